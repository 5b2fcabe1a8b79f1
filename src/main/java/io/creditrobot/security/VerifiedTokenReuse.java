package io.creditrobot.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;

/**
 * Asked before quarkus-oidc for every bearer token: answers with the identity {@link VerifiedTokens} kept for it, or
 * with nothing, which hands the token to quarkus-oidc to verify.
 */
@ApplicationScoped
public class VerifiedTokenReuse implements IdentityProvider<TokenAuthenticationRequest> {

    @Inject
    VerifiedTokens tokens;

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Before quarkus-oidc's provider, which keeps the default priority. */
    @Override
    public int priority() {
        return IdentityProvider.super.priority() + 1;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        if (!(request.getToken() instanceof AccessTokenCredential token) || token.getToken() == null) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(
                tokens.find(token.getToken(), HttpSecurityUtils.getRoutingContextAttribute(request)).orElse(null));
    }
}

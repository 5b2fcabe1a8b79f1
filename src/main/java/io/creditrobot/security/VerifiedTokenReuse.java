package io.creditrobot.security;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.runtime.OidcUtils;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * Asked before quarkus-oidc for every bearer token: refuses one longer than
 * {@link VerifiedTokensConfig#maxTokenLength()} or signed with a key the issuer withdrew ({@link PublishedKeys}),
 * answers with the identity {@link VerifiedTokens} kept for it, refuses a token whose {@code typ} claim says it is
 * not an access token, or answers with nothing, which hands the token to quarkus-oidc to verify.
 */
@ApplicationScoped
public class VerifiedTokenReuse implements IdentityProvider<TokenAuthenticationRequest> {

    @Inject
    VerifiedTokens tokens;

    @Inject
    PublishedKeys keys;

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
        if (tokens.tooLong(token.getToken())) {
            // Refused before quarkus-oidc parses it: the heap a request can make the service hold stays bounded.
            return Uni.createFrom().failure(new AuthenticationFailedException("The access token is too long"));
        }
        if (keys.withdrawn(token.getToken())) {
            // Signed with a key the issuer no longer publishes: never reused, never verified again.
            return Uni.createFrom().failure(new AuthenticationFailedException("The token's key was withdrawn"));
        }
        Optional<SecurityIdentity> reused = tokens.find(token.getToken(),
                HttpSecurityUtils.getRoutingContextAttribute(request));
        if (reused.isPresent()) {
            return Uni.createFrom().item(reused.get());
        }
        if (notAnAccessToken(token.getToken())) {
            // quarkus-oidc refuses it with an OIDCException, which reads as an unreachable issuer (503): it is a 401.
            return Uni.createFrom().failure(new AuthenticationFailedException("Not an access token"));
        }
        return Uni.createFrom().nullItem();
    }

    /** A token whose {@code typ} claim names another kind (Keycloak's {@code Refresh}, {@code ID}, …). */
    private static boolean notAnAccessToken(String token) {
        try {
            JsonObject claims = OidcUtils.decodeJwtContent(token);
            return claims != null && claims.getValue("typ") instanceof String typ && !"Bearer".equalsIgnoreCase(typ);
        } catch (RuntimeException e) {
            return false; // not a JWT this can read: quarkus-oidc refuses it
        }
    }
}

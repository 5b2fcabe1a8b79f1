package io.creditrobot.api;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

/**
 * The API's routes and their methods, read once from the resource's own annotations (so they cannot drift), for
 * the {@code Allow} header of a 405.
 */
final class ApiRoutes {

    /** Path template → the methods it serves (HEAD where GET is; OPTIONS everywhere, answered by Quarkus). */
    private static final Map<String, Set<String>> TEMPLATES = templates(CreditApplicationResource.class);
    private static final Map<Pattern, Set<String>> ROUTES = patterns(TEMPLATES);

    private ApiRoutes() {
    }

    /** The route templates, as the {@code uri} metric tag names them ({@code /api/applications/{id}}). */
    static Set<String> templates() {
        return TEMPLATES.keySet();
    }

    static String allowedMethods(String path) {
        String normalized = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        return ROUTES.entrySet().stream().filter(route -> route.getKey().matcher(normalized).matches())
                .findFirst().map(route -> String.join(", ", route.getValue())).orElse("");
    }

    private static Map<String, Set<String>> templates(Class<?> resource) {
        String base = resource.getAnnotation(Path.class).value();
        Map<String, Set<String>> byTemplate = new TreeMap<>();
        for (Method method : resource.getMethods()) {
            Path sub = method.getAnnotation(Path.class);
            Arrays.stream(method.getAnnotations())
                    .map(a -> a.annotationType().getAnnotation(HttpMethod.class)).filter(Objects::nonNull)
                    .forEach(http -> {
                        Set<String> methods = byTemplate.computeIfAbsent(base + (sub == null ? "" : sub.value()),
                                t -> new TreeSet<>());
                        methods.add(http.value());
                        if (http.value().equals(HttpMethod.GET)) {
                            methods.add(HttpMethod.HEAD);
                        }
                        methods.add(HttpMethod.OPTIONS);
                    });
        }
        return byTemplate;
    }

    private static Map<Pattern, Set<String>> patterns(Map<String, Set<String>> templates) {
        Map<Pattern, Set<String>> routes = new LinkedHashMap<>();
        templates.forEach((template, methods) -> routes
                .put(Pattern.compile(template.replaceAll("\\{[^/]+}", "[^/]+")), methods));
        return routes;
    }
}

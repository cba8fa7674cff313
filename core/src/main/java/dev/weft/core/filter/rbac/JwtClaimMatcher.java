package dev.weft.core.filter.rbac;

import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.VerifiedJwt;
import java.util.List;
import java.util.Map;

/**
 * {@code jwt_claim}, Weft's principal for tokens the {@code jwt_authn} filter verified earlier in the chain (the
 * {@link VerifiedJwt#ATTRIBUTE} request attribute): some verified token has the given provider, its issuer and
 * subject match, and its claim matches. A claim that is a list matches when an element does; a claim name with dots
 * ({@code realm.role}) is looked up as given first, then as a path through nested objects. Numbers and booleans are
 * compared in their JSON text form (which allocates); strings allocate nothing.
 *
 * @param provider the provider name that verified the token, or null for any
 * @param issuer   matches {@code iss}, or null for any
 * @param subject  matches {@code sub}, or null for any
 * @param claim    the claim name, or null
 * @param path     {@code claim} split at dots, for nested lookups
 * @param value    matches the claim's value (an element of it for a list); null: the claim need only be present
 */
record JwtClaimMatcher(String provider, StringMatcher issuer, StringMatcher subject, String claim, String[] path,
                       StringMatcher value) implements RbacMatcher {

    static JwtClaimMatcher of(String provider, StringMatcher issuer, StringMatcher subject, String claim,
                              StringMatcher value) {
        return new JwtClaimMatcher(provider, issuer, subject, claim, claim == null ? null : claim.split("\\."),
                value);
    }

    @Override
    public boolean matches(FilterRequest request) {
        if (!(request.attribute(VerifiedJwt.ATTRIBUTE) instanceof List<?> tokens)) {
            return false;
        }
        for (int i = 0, n = tokens.size(); i < n; i++) {
            if (tokens.get(i) instanceof VerifiedJwt jwt && matches(jwt)) {
                return true;
            }
        }
        return false;
    }

    private boolean matches(VerifiedJwt jwt) {
        if (provider != null && !provider.equals(jwt.provider())) {
            return false;
        }
        if (issuer != null && !issuer.matches(jwt.issuer())) {
            return false;
        }
        if (subject != null && !subject.matches(jwt.subject())) {
            return false;
        }
        if (claim == null) {
            return true;
        }
        Map<String, Object> claims = jwt.claims();
        if (claims == null) {
            return false;
        }
        Object v = claims.containsKey(claim) ? claims.get(claim) : nested(claims);
        if (v == null) {
            return false; // absent, or JSON null
        }
        return value == null || valueMatches(v);
    }

    private Object nested(Map<String, Object> claims) {
        if (path.length < 2) {
            return null;
        }
        Object v = claims;
        for (String segment : path) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(segment);
        }
        return v;
    }

    private boolean valueMatches(Object v) {
        if (v instanceof List<?> list) {
            for (int i = 0, n = list.size(); i < n; i++) {
                Object e = list.get(i);
                if (e != null && !(e instanceof List) && !(e instanceof Map) && value.matches(text(e))) {
                    return true;
                }
            }
            return false;
        }
        return !(v instanceof Map) && value.matches(text(v));
    }

    private static String text(Object v) {
        return v instanceof String s ? s : String.valueOf(v);
    }

    @Override
    public void describe(StringBuilder out) {
        out.append("jwt_claim(");
        int start = out.length();
        if (provider != null) {
            out.append("provider=").append(provider);
        }
        field(out, start, "iss", issuer);
        field(out, start, "sub", subject);
        if (claim != null) {
            if (out.length() > start) {
                out.append(' ');
            }
            out.append(claim);
            if (value != null) {
                out.append(' ');
                value.describe(out);
            } else {
                out.append(" present");
            }
        }
        out.append(')');
    }

    private static void field(StringBuilder out, int start, String name, StringMatcher m) {
        if (m != null) {
            if (out.length() > start) {
                out.append(' ');
            }
            out.append(name).append(' ');
            m.describe(out);
        }
    }
}

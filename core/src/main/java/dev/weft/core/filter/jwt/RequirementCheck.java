package dev.weft.core.filter.jwt;

import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.jwt.Jwt.InvalidJwtException;
import dev.weft.core.filter.jwt.ProviderConfig.HeaderLocation;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates a {@link Requirement} for one request: finds each provider's tokens in its locations, verifies them,
 * and combines the results the way Envoy's verifiers do. Lives for one request on its thread; remembers each
 * provider's result so a provider named twice (e.g. in {@code requires_any} and {@code allow_missing}) is checked
 * once.
 */
final class RequirementCheck {

    /**
     * A token found in a header (after its prefix) or a query parameter: {@code source[from, to)}, left in place so
     * a cached token is never copied.
     */
    record Found(String source, int from, int to, String header, String param) {
    }

    /** A token a provider accepted, and where it came from (for removal when not forwarded). */
    record Accepted(ProviderVerifier provider, VerifiedToken token, Found where) {
    }

    /**
     * A requirement's result: OK with the accepted tokens, or the status that denies the request.
     *
     * @param provider the provider whose check produced the status, or null
     */
    record Outcome(JwtStatus status, List<Accepted> accepted, String provider) {
        static final Outcome MISSING = new Outcome(JwtStatus.MISSING, List.of(), null);
        static final Outcome OK_EMPTY = new Outcome(JwtStatus.OK, List.of(), null);

        boolean ok() {
            return status == JwtStatus.OK;
        }
    }

    private final ProviderVerifier[] providers;
    private final FilterRequest request;
    /** Results by provider index, made only for a composite requirement (a single one needs no memory). */
    private Outcome[] byProvider;

    RequirementCheck(ProviderVerifier[] providers, FilterRequest request) {
        this.providers = providers;
        this.request = request;
    }

    Outcome evaluate(Requirement r) {
        if (byProvider == null && !(r instanceof Requirement.Provider)) {
            byProvider = new Outcome[providers.length];
        }
        return switch (r) {
            case Requirement.Provider p -> provider(p.index());
            case Requirement.Any any -> any(any.of());
            case Requirement.All all -> all(all.of());
            case Requirement.AllowMissing a -> allowMissing(a.providers(), a.orFailed());
        };
    }

    /** Every token in the provider's locations must be valid; none at all is MISSING. */
    private Outcome provider(int i) {
        if (byProvider != null && byProvider[i] != null) {
            return byProvider[i];
        }
        ProviderVerifier p = providers[i];
        List<Found> tokens = find(p.config);
        Outcome o = tokens.isEmpty() ? Outcome.MISSING : null;
        List<Accepted> accepted = List.of();
        for (int k = 0; k < tokens.size() && o == null; k++) {
            Found f = tokens.get(k);
            try {
                accepted = append(accepted, new Accepted(p, verify(p, f), f));
            } catch (InvalidJwtException e) {
                o = new Outcome(e.status, List.of(), p.config.name());
            }
        }
        if (o == null) {
            o = new Outcome(JwtStatus.OK, accepted, p.config.name());
        }
        if (byProvider != null) {
            byProvider[i] = o;
        }
        return o;
    }

    /**
     * OR: the first satisfied child wins. When none is, the result is a real failure of some child if there is one
     * (a bad token says more than an absent one), else MISSING (Envoy's AnyVerifier aggregation).
     */
    private Outcome any(List<Requirement> children) {
        Outcome failure = null;
        for (Requirement c : children) {
            Outcome o = evaluate(c);
            if (o.ok()) {
                return o;
            }
            if (!o.status().isAbsence()) {
                failure = o;
            }
        }
        return failure != null ? failure : Outcome.MISSING;
    }

    /** AND: every child must be satisfied; the first that is not decides. */
    private Outcome all(List<Requirement> children) {
        List<Accepted> accepted = new ArrayList<>(children.size());
        for (Requirement c : children) {
            Outcome o = evaluate(c);
            if (!o.ok()) {
                return o;
            }
            for (Accepted a : o.accepted()) {
                if (!accepted.contains(a)) {
                    accepted.add(a);
                }
            }
        }
        return new Outcome(JwtStatus.OK, accepted, null);
    }

    /**
     * Every token found in the providers' locations is verified by the first of them that recognizes its issuer.
     * No token: OK. An invalid token: its failure, unless {@code orFailed}, when it is just not reported as verified.
     */
    private Outcome allowMissing(int[] indices, boolean orFailed) {
        List<Accepted> accepted = new ArrayList<>(1);
        List<Found> seen = new ArrayList<>(2);
        for (int i : indices) {
            for (Found f : find(providers[i].config)) {
                if (seen.contains(f)) {
                    continue; // one location shared by several providers: one token, checked once
                }
                seen.add(f);
                Outcome o = verifyByIssuer(indices, f);
                if (o.ok()) {
                    accepted.addAll(o.accepted());
                } else if (!orFailed) {
                    return o;
                }
            }
        }
        return accepted.isEmpty() ? Outcome.OK_EMPTY : new Outcome(JwtStatus.OK, accepted, null);
    }

    private Outcome verifyByIssuer(int[] indices, Found f) {
        Outcome unknownIssuer = null;
        for (int i : indices) {
            ProviderVerifier p = providers[i];
            if (!locatedBy(p.config, f)) {
                continue;
            }
            try {
                return new Outcome(JwtStatus.OK, List.of(new Accepted(p, verify(p, f), f)), p.config.name());
            } catch (InvalidJwtException e) {
                if (e.status != JwtStatus.UNKNOWN_ISSUER) {
                    return new Outcome(e.status, List.of(), p.config.name()); // its own provider rejected it
                }
                unknownIssuer = new Outcome(e.status, List.of(), null);
            }
        }
        // found in a location of one of them, so at least one was asked: no provider knows the issuer
        return unknownIssuer;
    }

    /** Verifies and counts: a token of another issuer is not this provider's rejection. */
    private static VerifiedToken verify(ProviderVerifier p, Found f) throws InvalidJwtException {
        try {
            VerifiedToken t = p.verify(f.source(), f.from(), f.to());
            p.allowed.increment();
            return t;
        } catch (InvalidJwtException e) {
            if (e.status != JwtStatus.UNKNOWN_ISSUER) {
                p.denied.increment();
            }
            throw e;
        }
    }

    private static boolean locatedBy(ProviderConfig c, Found f) {
        if (f.header() != null) {
            for (HeaderLocation h : c.fromHeaders()) {
                if (h.name().equals(f.header())) {
                    return true;
                }
            }
            return false;
        }
        return c.fromParams().contains(f.param());
    }

    /** The tokens in the provider's locations: headers first, then query parameters (Envoy's order). */
    private List<Found> find(ProviderConfig c) {
        List<Found> out = List.of();
        for (HeaderLocation h : c.fromHeaders()) {
            // each field line on its own: "Authorization: Basic x" next to "Authorization: Bearer <forged>" must not
            // make the token look missing (and then be forwarded unverified under allow_missing)
            for (String v : request.headerValues(h.name())) {
                int from = h.valuePrefix().length();
                if (from > 0 && !v.regionMatches(true, 0, h.valuePrefix(), 0, from)) {
                    continue; // another scheme in this field (e.g. Basic): not this provider's token
                }
                // RFC 9110 section 11.1: the auth-scheme is case-insensitive ("bearer" is "Bearer"); OWS trimmed
                int to = v.length();
                while (from < to && (v.charAt(from) == ' ' || v.charAt(from) == '\t')) {
                    from++;
                }
                while (to > from && (v.charAt(to - 1) == ' ' || v.charAt(to - 1) == '\t')) {
                    to--;
                }
                out = append(out, new Found(v, from, to, h.name(), null));
            }
        }
        for (String param : c.fromParams()) {
            // every occurrence, names compared decoded: a second, unverified token (access_token again, or
            // access%5Ftoken) must not reach an upstream that reads the last one, or decodes names (Envoy does)
            for (String v : request.queryParameters(param)) {
                String token = percentDecoded(v);
                out = append(out, new Found(token, 0, token.length(), null, param));
            }
        }
        return out;
    }

    /** A list with one more element; one element (nearly always the case) costs no ArrayList. */
    private static <T> List<T> append(List<T> list, T e) {
        if (list.isEmpty()) {
            return List.of(e);
        }
        List<T> out = new ArrayList<>(list.size() + 1);
        out.addAll(list);
        out.add(e);
        return out;
    }

    /** A base64url token needs no escaping, but a client may still percent-encode it (Envoy decodes too). */
    private static String percentDecoded(String v) {
        if (v.indexOf('%') < 0 && v.indexOf('+') < 0) {
            return v;
        }
        try {
            return URLDecoder.decode(v, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return v; // not decodable: verified as is, and refused as a malformed token
        }
    }
}

package dev.weft.core.filter.jwt;

import dev.weft.admin.stats.Counter;
import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.LocalReply;
import dev.weft.core.filter.VerifiedJwt;
import dev.weft.core.filter.jwt.RequirementCheck.Accepted;
import dev.weft.core.filter.jwt.RequirementCheck.Outcome;
import dev.weft.core.proxy.ResponseFlag;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code jwt_authn} HTTP filter of one listener: checks the route's requirement (or the filter's default), and
 * either answers 401 / 403 with an RFC 6750 challenge, or lets the request go on with what the verified tokens say
 * (claim headers, payload header, the {@link VerifiedJwt} attribute for RBAC, access-log metadata) and without the
 * tokens unless {@code forward} is set. Stateless per request; shared by every request of the listener.
 */
final class JwtAuthnFilter implements HttpFilter {
    private static final System.Logger LOG = System.getLogger("weft.filter.jwt_authn");
    /** Envoy's MaximumUriLength for the realm: the challenge is no place for a long URL. */
    static final int MAX_REALM_PATH = 256;

    private final ProviderVerifier[] providers;
    private final Requirement requirement;
    /** Every header a provider writes upstream: removed from every request first, so a client cannot forge them. */
    private final String[] outputHeaders;
    private final Counter allowed;
    private final Counter denied;
    private final Counter claimHeaderInvalid;
    private final AtomicBoolean claimHeaderLogged = new AtomicBoolean();

    JwtAuthnFilter(ProviderVerifier[] providers, Requirement requirement, Counter allowed, Counter denied,
                   Counter claimHeaderInvalid) {
        this.providers = providers;
        this.requirement = requirement;
        this.allowed = allowed;
        this.denied = denied;
        this.claimHeaderInvalid = claimHeaderInvalid;
        Set<String> out = new LinkedHashSet<>();
        for (ProviderVerifier p : providers) {
            if (p.config.forwardPayloadHeader() != null) {
                out.add(p.config.forwardPayloadHeader());
            }
            for (ProviderConfig.ClaimToHeader c : p.config.claimToHeaders()) {
                out.add(c.headerName());
            }
        }
        this.outputHeaders = out.toArray(String[]::new);
    }

    /** A route without this filter still never forwards client-made copies of the headers it writes. */
    @Override
    public void onSkipped(FilterRequest request) {
        removeOutputHeaders(request);
    }

    private void removeOutputHeaders(FilterRequest request) {
        for (String h : outputHeaders) {
            if (request.header(h) != null) {
                request.removeRequestHeader(h);
            }
        }
    }

    @Override
    public LocalReply onRequest(FilterRequest request, Object routeConfig) {
        removeOutputHeaders(request);
        Requirement r = routeConfig instanceof JwtAuthnConfig.PerRoute perRoute ? perRoute.requirement() : requirement;
        if (r == null) {
            return null;
        }
        Outcome o = new RequirementCheck(providers, request).evaluate(r);
        if (!o.ok()) {
            denied.increment();
            request.decision(o.provider() == null ? o.status().denyDecision()
                    : o.status().denyDecision() + " provider=" + o.provider());
            scrubQueryTokens(request);
            return deny(request, o.status());
        }
        allowed.increment();
        accept(request, o.accepted());
        return null;
    }

    /**
     * A denied request goes nowhere, but its path goes into the access log: a token in the query (genuine but
     * expired, say) is taken out first, so that secrets never reach the log.
     */
    private void scrubQueryTokens(FilterRequest request) {
        if (request.query() == null) {
            return;
        }
        for (ProviderVerifier p : providers) {
            for (String param : p.config.fromParams()) {
                request.removeQueryParameter(param);
            }
        }
    }

    private void accept(FilterRequest request, List<Accepted> accepted) {
        if (accepted.isEmpty()) {
            request.decision("jwt:allow no_token");
            return;
        }
        for (int i = 0; i < accepted.size(); i++) {
            Accepted a = accepted.get(i);
            ProviderConfig c = a.provider().config;
            VerifiedToken t = a.token();
            String[] values = t.claimHeaderValues();
            for (int k = 0; values != null && k < values.length; k++) {
                setClaimHeader(request, c.claimToHeaders().get(k).headerName(), values[k]);
            }
            if (c.forwardPayloadHeader() != null) {
                request.setRequestHeader(c.forwardPayloadHeader(), t.payloadSegment());
            }
            if (!c.forward()) {
                if (a.where().header() != null) {
                    request.removeRequestHeader(a.where().header());
                } else {
                    request.removeQueryParameter(a.where().param());
                }
            }
        }
        Object earlier = request.attribute(VerifiedJwt.ATTRIBUTE);
        VerifiedToken first = accepted.get(0).token();
        if (accepted.size() == 1 && earlier == null) {
            request.attribute(VerifiedJwt.ATTRIBUTE, first.jwtList()); // the common case: nothing to build
            request.decision(first.decision());
        } else {
            List<VerifiedJwt> jwts = new ArrayList<>(accepted.size() + 1);
            if (earlier instanceof List<?> list) {
                for (Object o : list) {
                    jwts.add((VerifiedJwt) o); // from an earlier jwt_authn filter of the chain
                }
            }
            StringBuilder decision = new StringBuilder("jwt:allow");
            for (Accepted a : accepted) {
                jwts.add(a.token().jwt());
                decision.append(' ').append(a.token().decision(), VerifiedToken.ALLOW.length(),
                        a.token().decision().length());
            }
            request.attribute(VerifiedJwt.ATTRIBUTE, List.copyOf(jwts));
            request.decision(decision.toString());
        }
        VerifiedJwt jwt = first.jwt();
        request.metadata("jwt_authn:provider", jwt.provider());
        if (jwt.issuer() != null) {
            request.metadata("jwt_authn:issuer", VerifiedToken.printable(jwt.issuer()));
        }
        if (jwt.subject() != null) {
            request.metadata("jwt_authn:subject", VerifiedToken.printable(jwt.subject()));
        }
    }

    private void setClaimHeader(FilterRequest request, String name, String value) {
        if (value == null) {
            return;
        }
        if (value != VerifiedToken.INVALID) {
            try {
                request.setRequestHeader(name, value);
                return;
            } catch (IllegalArgumentException e) {
                // FilterRequest's own check agrees with headerValue(); kept so a difference never becomes a 500
            }
        }
        claimHeaderInvalid.increment();
        if (claimHeaderLogged.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "jwt_authn: a claim for header " + name + " has characters a header "
                    + "value cannot carry (CR, LF, NUL or other controls); it is not sent (logged once; counted in "
                    + "jwt_authn.claim_to_header_invalid)");
        }
    }

    /**
     * The reply for a denied request: 401, or 403 for a token of the wrong audience (as Envoy), with an RFC 6750
     * section 3 challenge that carries {@code error="invalid_token"} unless the token was simply missing
     * (section 3.1: no error code when the request lacked authentication information).
     */
    static LocalReply deny(FilterRequest request, JwtStatus s) {
        int status = s == JwtStatus.AUDIENCE_NOT_ALLOWED ? 403 : 401;
        StringBuilder challenge = new StringBuilder(96).append("Bearer realm=\"");
        realm(request, challenge);
        challenge.append('"');
        if (s != JwtStatus.MISSING) {
            challenge.append(", error=\"invalid_token\", error_description=\"").append(s.reason()).append('"');
        }
        return new LocalReply(status, s.reason(), "text/plain", List.<String[]>of(
                new String[] {"www-authenticate", challenge.toString()}), ResponseFlag.NONE, s.detail());
    }

    /** {@code scheme://authority/path} without the query (a token may be in it), as a quoted-string's content. */
    private static void realm(FilterRequest request, StringBuilder out) {
        String authority = request.authority() != null ? request.authority() : request.host();
        String path = request.path() == null ? "" : request.path();
        if (path.length() > MAX_REALM_PATH) {
            path = path.substring(0, MAX_REALM_PATH);
        }
        quoted(request.scheme(), out);
        out.append("://");
        quoted(authority == null ? "" : authority, out);
        quoted(path, out);
    }

    /** RFC 9110 section 5.6.4: {@code "} and {@code \} as quoted-pairs; anything not printable ASCII as {@code ?}. */
    private static void quoted(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c >= 0x20 && c < 0x7f ? c : '?');
            }
        }
    }
}

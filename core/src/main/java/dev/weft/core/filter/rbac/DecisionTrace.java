package dev.weft.core.filter.rbac;

import dev.weft.admin.server.Json;
import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.VerifiedJwt;
import dev.weft.core.io.Addresses;
import dev.weft.tls.identity.PeerIdentity;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Why a request was denied (or would have been, in shadow mode): who asked as the policies saw it, what was asked,
 * which policy decided, the near misses and the shadow verdict. Built only when a request is denied, so the allowed
 * path pays nothing for it; immutable, so the denial ring can hand it to the admin server's thread as is.
 *
 * <p>The text form, for the access log's {@code %POLICY_DECISION%}, is one line:
 * <pre>
 * rbac[authz] denied action=ALLOW policy=- near=[frontend] shadow=allowed[ops] request="GET /admin"
 *   seen=[uri_san=spiffe://mesh/ns/a/sa/web subject="CN=web" direct=10.0.0.7:51234 remote=10.0.0.7 sni=-]
 * </pre>
 * ({@code near} lists ALLOW policies whose permissions cover the request but whose principals do not admit the
 * caller; the query is left out of {@code request}, as it may carry secrets.)
 *
 * @param shadow       "allowed", "denied" or null without shadow rules
 * @param shadowPolicy the shadow engine's matched policy, or null
 * @param jwt          "issuer subject" of each verified token
 */
public record DecisionTrace(long timeMillis, String listener, String filter, String requestId, String method,
                            String path, String authority, String result, String action, String policy,
                            List<String> near, String shadow, String shadowPolicy, List<String> uriSans,
                            List<String> dnsSans, String subject, List<String> jwt, String directRemote,
                            String remoteIp, String sni) {

    /** How many near misses a trace lists at most. */
    static final int MAX_NEAR = 3;

    /**
     * Records what the request looked like to the engine.
     *
     * @param result "denied", "allowed" or "shadow denied"
     */
    static DecisionTrace of(String listener, String filter, FilterRequest r, String result, RbacEngine engine,
                            int match, String shadow, String shadowPolicy) {
        PeerIdentity peer = r.peer() == null ? PeerIdentity.NONE : r.peer();
        List<String> jwt = new ArrayList<>();
        if (r.attribute(VerifiedJwt.ATTRIBUTE) instanceof List<?> tokens) {
            for (Object t : tokens) {
                if (t instanceof VerifiedJwt v) {
                    jwt.add(v.issuer() + " " + (v.subject() == null ? "-" : v.subject()));
                }
            }
        }
        InetSocketAddress direct = r.directRemoteAddress();
        return new DecisionTrace(System.currentTimeMillis(), listener, filter, r.header("x-request-id"),
                r.method(), r.path(), r.authority(), result, engine == null ? null : engine.action().name(),
                engine == null ? null : engine.policyName(match), near(engine, r), shadow, shadowPolicy,
                peer.uriSans(), peer.dnsSans(), peer == PeerIdentity.NONE ? null : peer.subject(), List.copyOf(jwt),
                direct == null || direct.getAddress() == null ? null : Addresses.of(direct), r.remoteIp(),
                r.requestedServerName());
    }

    /**
     * The ALLOW policies that came closest: their permissions cover the request, their principals do not admit the
     * caller ("this is the kind of request the policy is about, but you are not one of its principals").
     */
    private static List<String> near(RbacEngine engine, FilterRequest r) {
        if (engine == null || engine.action() != RbacEngine.Action.ALLOW) {
            return List.of();
        }
        List<String> out = new ArrayList<>(MAX_NEAR);
        for (int i = 0; i < engine.size() && out.size() < MAX_NEAR; i++) {
            RbacPolicy p = engine.policy(i);
            if (RbacPolicy.anyMatches(p.permissions(), r) && !RbacPolicy.anyMatches(p.principals(), r)) {
                out.add(p.name());
            }
        }
        return List.copyOf(out);
    }

    /** The one-line form for {@code %POLICY_DECISION%}. */
    public String text() {
        StringBuilder b = new StringBuilder(256);
        b.append("rbac[").append(filter).append("] ").append(result);
        if (action != null) {
            b.append(" action=").append(action).append(" policy=").append(policy == null ? "-" : policy);
        }
        if (!near.isEmpty()) {
            b.append(" near=[").append(String.join(" ", near)).append(']');
        }
        if (shadow != null) {
            b.append(" shadow=").append(shadow).append('[').append(shadowPolicy == null ? "-" : shadowPolicy)
                    .append(']');
        }
        b.append(" request=");
        StringMatcher.quote(b, method + " " + path);
        b.append(" seen=[");
        int start = b.length();
        for (String s : uriSans) {
            item(b, start, "uri_san", s);
        }
        for (String s : dnsSans) {
            item(b, start, "dns_san", s);
        }
        if (subject != null) {
            item(b, start, "subject", subject);
        }
        for (String s : jwt) {
            item(b, start, "jwt", s);
        }
        item(b, start, "direct", directRemote);
        item(b, start, "remote", remoteIp);
        item(b, start, "sni", sni);
        return b.append(']').toString();
    }

    private static void item(StringBuilder b, int start, String name, String value) {
        if (b.length() > start) {
            b.append(' ');
        }
        b.append(name).append('=');
        if (value == null || value.isEmpty()) {
            b.append('-');
        } else if (value.chars().anyMatch(c -> c <= 0x20 || c == '"' || c == ']' || c == 0x7f)) {
            StringMatcher.quote(b, value);
        } else {
            b.append(value);
        }
    }

    /** The JSON object of {@code GET /authz/denials}. */
    public void json(Json j) {
        j.beginObject()
                .field("time", Instant.ofEpochMilli(timeMillis).toString())
                .field("listener", listener)
                .field("filter", filter)
                .field("request_id", requestId)
                .field("method", method)
                .field("path", path)
                .field("authority", authority)
                .field("result", result)
                .field("action", action)
                .field("matched_policy", policy);
        strings(j, "near", near);
        j.name("shadow");
        if (shadow == null) {
            j.value((String) null);
        } else {
            j.beginObject().field("result", shadow).field("matched_policy", shadowPolicy).endObject();
        }
        j.name("principal");
        principalJson(j);
        j.field("trace", text());
        j.endObject();
    }

    /** Who asked, as the policies saw it: certificate names, verified tokens, addresses, SNI. */
    void principalJson(Json j) {
        j.beginObject();
        strings(j, "uri_sans", uriSans);
        strings(j, "dns_sans", dnsSans);
        j.field("subject", subject);
        strings(j, "jwt", jwt);
        j.field("direct_remote_address", directRemote)
                .field("remote_ip", remoteIp)
                .field("sni", sni)
                .endObject();
    }

    static void strings(Json j, String name, List<String> values) {
        j.name(name).beginArray();
        for (String v : values) {
            j.value(v);
        }
        j.endArray();
    }
}

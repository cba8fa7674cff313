package dev.weft.core.filter.jwt;

import dev.weft.core.config.YamlMap;
import dev.weft.core.filter.FilterBindContext;
import dev.weft.core.filter.jwt.ProviderConfig.ClaimToHeader;
import dev.weft.core.filter.jwt.ProviderConfig.HeaderLocation;
import dev.weft.core.filter.jwt.ProviderConfig.RemoteJwksConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a {@code jwt_authn} filter's YAML into a {@link JwtAuthnConfig}, reporting every problem with its path: an
 * unknown provider in a requirement, an unreadable or invalid local JWK set, an unknown cluster, bad durations, header
 * names that are not tokens or that the proxy owns.
 */
final class JwtConfigParser {
    static final String[] FIELDS = {"providers", "requirement"};
    static final String[] PER_ROUTE_FIELDS = {"requirement"};
    private static final String[] PROVIDER_FIELDS = {"issuer", "audiences", "local_jwks", "remote_jwks",
        "from_headers", "from_params", "forward", "forward_payload_header", "claim_to_headers",
        "clock_skew_seconds", "jwt_cache_size"};
    private static final String[] REQUIREMENT_FIELDS = {"provider_name", "requires_any", "requires_all",
        "allow_missing", "allow_missing_or_failed"};

    /** Envoy's default clock skew. */
    static final int DEFAULT_CLOCK_SKEW_SECONDS = 60;
    static final int DEFAULT_CACHE_SIZE = 1024;
    static final int MAX_CACHE_SIZE = 65_536;
    /** Envoy's {@code cache_duration} default: 10 minutes. */
    static final Duration DEFAULT_CACHE_DURATION = Duration.ofMinutes(10);
    static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(1);
    /** A local JWK set larger than this is no key set. */
    static final int MAX_LOCAL_JWKS_BYTES = 256 * 1024;

    private static final Pattern PROVIDER_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    /** RFC 9110 section 5.6.2 token. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the proxy itself owns (framing, routing, hop-by-hop): a claim must never set them. */
    private static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "te", "upgrade", "expect", "trailer");

    private JwtConfigParser() {
    }

    static JwtAuthnConfig parse(YamlMap m, FilterBindContext context) {
        List<ProviderConfig> providers = new ArrayList<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        YamlMap all = m.anyMap("providers");
        if (all == null) {
            m.require("providers");
        } else if (all.keys().isEmpty()) {
            m.problem("providers", "must not be empty");
        } else {
            List<YamlMap> maps = new ArrayList<>();
            for (String name : all.keys()) {
                if (!PROVIDER_NAME.matcher(name).matches()) {
                    all.problem(name, "provider name must match [A-Za-z0-9_.-]+");
                    continue;
                }
                YamlMap p = all.map(name, PROVIDER_FIELDS);
                if (p == null) {
                    continue;
                }
                ProviderConfig c = provider(name, p, context);
                index.put(name, providers.size());
                providers.add(c);
                maps.add(p);
            }
            outputsAreNotTokenLocations(providers, maps);
        }
        Requirement requirement = m.has("requirement") ? requirement(m, "requirement", index) : null;
        return new JwtAuthnConfig(List.copyOf(providers), requirement);
    }

    static JwtAuthnConfig.PerRoute parsePerRoute(YamlMap m, Object listenerConfig) {
        Map<String, Integer> index = null;
        if (listenerConfig instanceof JwtAuthnConfig c) {
            index = new LinkedHashMap<>();
            for (int i = 0; i < c.providers().size(); i++) {
                index.put(c.providers().get(i).name(), i);
            }
        }
        return new JwtAuthnConfig.PerRoute(requirement(m, "requirement", index));
    }

    // ---- providers ----------------------------------------------------------------------------------------------

    private static ProviderConfig provider(String name, YamlMap p, FilterBindContext context) {
        String issuer = p.string("issuer", "");
        List<String> audiences = p.strings("audiences");
        Jwks local = null;
        RemoteJwksConfig remote = null;
        if (p.has("local_jwks") == p.has("remote_jwks")) {
            p.problem("exactly one of local_jwks and remote_jwks is required");
        } else if (p.has("local_jwks")) {
            local = localJwks(p.map("local_jwks", "filename", "inline_string"));
        } else {
            remote = remoteJwks(p.map("remote_jwks", "cluster", "path", "authority", "timeout", "cache_duration"),
                    context);
        }
        List<HeaderLocation> headers = new ArrayList<>();
        List<YamlMap> hs = p.maps("from_headers", "name", "value_prefix");
        for (YamlMap h : hs) {
            String n = headerName(h, "name", false);
            String prefix = h.string("value_prefix", "");
            if (n != null) {
                headers.add(new HeaderLocation(n, prefix));
            }
        }
        List<String> params = p.strings("from_params");
        List<Node> paramNodes = p.list("from_params");
        for (int i = 0; i < params.size() && i < paramNodes.size(); i++) {
            if (params.get(i).isEmpty() || params.get(i).indexOf('&') >= 0 || params.get(i).indexOf('=') >= 0) {
                p.problemAt(paramNodes.get(i), p.itemPath("from_params", i), "must be a query parameter name");
            }
        }
        if (!p.has("from_headers") && !p.has("from_params")) {
            // RFC 6750 section 2.1. Envoy also reads ?access_token= by default; Weft does not, since a token in the
            // URL ends up in access logs and Referer headers (RFC 6750 section 5.3): list it in from_params to opt in.
            headers.add(new HeaderLocation("authorization", "Bearer "));
        }
        boolean forward = p.bool("forward", false);
        String payloadHeader = p.has("forward_payload_header") ? headerName(p, "forward_payload_header", true) : null;
        List<ClaimToHeader> claims = new ArrayList<>();
        for (YamlMap c : p.maps("claim_to_headers", "claim_name", "header_name")) {
            String claim = c.requiredString("claim_name");
            String header = headerName(c, "header_name", true);
            if (claim != null && (claim.isEmpty() || claim.startsWith(".") || claim.endsWith(".")
                    || claim.contains(".."))) {
                c.problem("claim_name", "must be a claim name, with '.' only between nested names");
                claim = null;
            }
            if (claim != null && header != null) {
                claims.add(new ClaimToHeader(claim, List.of(claim.split("\\.")), header));
            }
        }
        long skew = p.integer("clock_skew_seconds", DEFAULT_CLOCK_SKEW_SECONDS, 0, 86_400);
        int cacheSize = p.integer("jwt_cache_size", DEFAULT_CACHE_SIZE, 0, MAX_CACHE_SIZE);
        return new ProviderConfig(name, issuer, List.copyOf(audiences), local, remote, List.copyOf(headers),
                List.copyOf(params), forward, payloadHeader, List.copyOf(claims), skew, cacheSize);
    }

    /**
     * The headers a provider writes are removed from every request before tokens are looked for (so clients cannot
     * forge them): one that is also where a provider reads its token would remove the token.
     */
    private static void outputsAreNotTokenLocations(List<ProviderConfig> providers, List<YamlMap> maps) {
        Map<String, String> readers = new LinkedHashMap<>();
        for (ProviderConfig c : providers) {
            for (HeaderLocation h : c.fromHeaders()) {
                readers.putIfAbsent(h.name(), c.name());
            }
        }
        for (int i = 0; i < providers.size(); i++) {
            ProviderConfig c = providers.get(i);
            String reader = c.forwardPayloadHeader() == null ? null : readers.get(c.forwardPayloadHeader());
            if (reader != null) {
                maps.get(i).problem("forward_payload_header", "'" + c.forwardPayloadHeader()
                        + "' is where provider '" + reader + "' reads its token");
            }
            for (ClaimToHeader h : c.claimToHeaders()) {
                reader = readers.get(h.headerName());
                if (reader != null) {
                    maps.get(i).problem("claim_to_headers", "header '" + h.headerName() + "' is where provider '"
                            + reader + "' reads its token");
                }
            }
        }
    }

    /** A lower-cased header name, or null (reported). Output headers may not be ones the proxy owns. */
    private static String headerName(YamlMap m, String field, boolean output) {
        String n = m.requiredString(field);
        if (n == null) {
            return null;
        }
        if (!TOKEN.matcher(n).matches()) {
            m.problem(field, "'" + n + "' is not a valid header name");
            return null;
        }
        String lower = n.toLowerCase(Locale.ROOT);
        if (output && RESERVED.contains(lower)) {
            m.problem(field, "'" + lower + "' is managed by the proxy and cannot be set from a token");
            return null;
        }
        return lower;
    }

    private static Jwks localJwks(YamlMap m) {
        if (m == null) {
            return null;
        }
        if (m.has("filename") == m.has("inline_string")) {
            m.problem("exactly one of filename and inline_string is required");
            return null;
        }
        String field = m.has("filename") ? "filename" : "inline_string";
        byte[] json;
        if (field.equals("filename")) {
            String file = m.string("filename", null);
            if (file == null) {
                return null;
            }
            Path path = m.baseDir() == null ? Path.of(file) : m.baseDir().resolve(file);
            try {
                if (Files.size(path) > MAX_LOCAL_JWKS_BYTES) {
                    m.problem(field, "JWKS file " + path + " is larger than " + MAX_LOCAL_JWKS_BYTES + " bytes");
                    return null;
                }
                json = Files.readAllBytes(path);
            } catch (IOException e) {
                m.problem(field, "cannot read JWKS file " + path + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()));
                return null;
            }
        } else {
            String inline = m.string("inline_string", null);
            if (inline == null) {
                return null;
            }
            json = inline.getBytes(StandardCharsets.UTF_8);
        }
        List<String> keyProblems = new ArrayList<>();
        try {
            Jwks jwks = Jwks.parse(json, keyProblems);
            for (String problem : keyProblems) {
                m.problem(field, problem); // a key in the config that cannot be used is a mistake, not noise
            }
            return keyProblems.isEmpty() ? jwks : null;
        } catch (Jwks.BadJwksException e) {
            if (keyProblems.isEmpty()) {
                m.problem(field, e.getMessage());
            }
            for (String problem : keyProblems) {
                m.problem(field, problem);
            }
            return null;
        }
    }

    private static RemoteJwksConfig remoteJwks(YamlMap m, FilterBindContext context) {
        if (m == null) {
            return null;
        }
        String cluster = m.requiredString("cluster");
        if (cluster != null && !context.clusterNames().contains(cluster)) {
            m.problem("cluster", "unknown cluster '" + cluster + "'");
        }
        String path = m.requiredString("path");
        if (path != null && (!path.startsWith("/") || path.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f))) {
            m.problem("path", "must start with '/' and contain no spaces or control characters");
        }
        String authority = m.string("authority", null);
        if (authority != null && (authority.isEmpty() || authority.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f))) {
            m.problem("authority", "must be a host[:port]");
        }
        Duration timeout = m.duration("timeout", DEFAULT_FETCH_TIMEOUT);
        if (timeout.isZero() || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
            m.problem("timeout", "must be greater than 0 and at most 60s");
        }
        Duration cacheDuration = m.duration("cache_duration", DEFAULT_CACHE_DURATION);
        if (cacheDuration.compareTo(Duration.ofSeconds(1)) < 0) {
            m.problem("cache_duration", "must be at least 1s");
        }
        return new RemoteJwksConfig(cluster, path, authority, timeout, cacheDuration);
    }

    // ---- requirements -------------------------------------------------------------------------------------------

    /**
     * The requirement at {@code owner.field}; null for {@code {}} (no token needed).
     *
     * @param index provider name to index; null when the providers are not known (then names are not checked)
     */
    private static Requirement requirement(YamlMap owner, String field, Map<String, Integer> index) {
        YamlMap r = owner.map(field, REQUIREMENT_FIELDS);
        return r == null ? null : requirement(r, index);
    }

    private static Requirement requirement(YamlMap r, Map<String, Integer> index) {
        for (NodeTuple t : r.node().getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && List.of(REQUIREMENT_FIELDS).contains(k.getValue())
                    && t.getValueNode() instanceof ScalarNode v && Tag.NULL.equals(v.getTag())) {
                r.problemAt(t.getKeyNode(), r.path(k.getValue()), "must not be empty (write {} for no settings)");
                return null;
            }
        }
        if (r.keys().size() > 1) {
            r.problem("give only one of " + String.join(", ", REQUIREMENT_FIELDS));
            return null;
        }
        if (r.has("provider_name")) {
            String name = r.string("provider_name", null);
            Integer i = providerIndex(r, "provider_name", name, index);
            return i == null ? null : new Requirement.Provider(i, name);
        }
        if (r.has("requires_any") || r.has("requires_all")) {
            String field = r.has("requires_any") ? "requires_any" : "requires_all";
            List<Requirement> children = list(r, field, index);
            if (children == null) {
                return null;
            }
            return field.equals("requires_any") ? new Requirement.Any(children) : new Requirement.All(children);
        }
        if (r.has("allow_missing") || r.has("allow_missing_or_failed")) {
            String field = r.has("allow_missing") ? "allow_missing" : "allow_missing_or_failed";
            YamlMap a = r.map(field, "provider_name");
            if (a == null) {
                return null;
            }
            int[] providers;
            if (a.has("provider_name")) {
                String name = a.string("provider_name", null);
                Integer i = providerIndex(a, "provider_name", name, index);
                if (i == null) {
                    return null;
                }
                providers = new int[] {i};
            } else {
                // {}: every provider of the filter, as Envoy's allow_missing, which verifies whatever token is there
                providers = new int[index == null ? 0 : index.size()];
                for (int i = 0; i < providers.length; i++) {
                    providers[i] = i;
                }
            }
            return new Requirement.AllowMissing(providers, field.equals("allow_missing_or_failed"));
        }
        return null; // {}: no token needed
    }

    /** {@code requires_any: [...]}, or Envoy's {@code requires_any: {requirements: [...]}}. */
    private static List<Requirement> list(YamlMap r, String field, Map<String, Integer> index) {
        Node value = r.value(field);
        YamlMap holder = r;
        String listField = field;
        if (value instanceof MappingNode) {
            holder = r.map(field, "requirements");
            listField = "requirements";
            if (holder == null) {
                return null;
            }
            value = holder.value(listField);
        }
        if (!(value instanceof SequenceNode)) {
            holder.problem(listField, "must be a list of requirements");
            return null;
        }
        List<Node> items = holder.list(listField);
        if (items.size() < 2) {
            holder.problem(listField, "must list at least 2 requirements (use provider_name for one)");
            return null;
        }
        List<Requirement> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            YamlMap item = holder.mapAt(items.get(i), holder.itemPath(listField, i), REQUIREMENT_FIELDS);
            if (item == null) {
                ok = false;
                continue;
            }
            if (item.keys().isEmpty() && item.node().getValue().isEmpty()) {
                item.problem("must not be empty inside " + field);
                ok = false;
                continue;
            }
            Requirement child = requirement(item, index);
            if (child == null) {
                ok = false;
            } else {
                out.add(child);
            }
        }
        return ok ? List.copyOf(out) : null;
    }

    private static Integer providerIndex(YamlMap m, String field, String name, Map<String, Integer> index) {
        if (name == null) {
            return null;
        }
        if (index == null) {
            return -1; // the listener's providers had problems of their own: nothing to check against
        }
        Integer i = index.get(name);
        if (i == null) {
            m.problem(field, "unknown provider '" + name + "'" + (index.isEmpty() ? ""
                    : "; providers: " + String.join(", ", index.keySet())));
        }
        return i;
    }
}

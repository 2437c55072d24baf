package dev.loggregator.cli.config;

import dev.loggregator.cli.tls.TlsOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where and how to connect, after applying every source in order of precedence: command-line
 * options, then {@code LOGS_ENDPOINT} / {@code LOGS_TOKEN}, then the config file.
 */
public record Target(URI endpoint, TokenProvider tokens, TlsOptions tls) {

    /**
     * @param skipSslValidation {@code --skip-ssl-validation} (false when not given)
     * @param caFile            {@code --ca}, or null
     */
    public static Target resolve(ConfigStore store, Map<String, String> env, boolean skipSslValidation, Path caFile) {
        CliConfig config = store.load();
        String endpointText = env.getOrDefault("LOGS_ENDPOINT", "");
        URI endpoint = Endpoints.parse(endpointText.isBlank() ? config.endpoint() : endpointText);
        TokenProvider tokens = new TokenProvider(store, env.get("LOGS_TOKEN"), config.token(), config.tokenCommand());
        boolean skip = skipSslValidation || Boolean.TRUE.equals(config.skipSslValidation());
        Path ca = caFile != null ? caFile : config.caFile() == null ? null : Path.of(config.caFile());
        return new Target(endpoint, tokens, new TlsOptions(skip, ca));
    }

    public URI websocket(String path, String query) {
        return Endpoints.websocket(endpoint, path, query);
    }

    public URI http(String path) {
        return Endpoints.http(endpoint, path);
    }
}

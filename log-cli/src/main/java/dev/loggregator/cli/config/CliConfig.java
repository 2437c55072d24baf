package dev.loggregator.cli.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-user configuration file's content, written by {@code logs target}, {@code logs login}
 * and {@code logs token}. Unknown keys are ignored so an older {@code logs} can read a newer file.
 *
 * @param endpoint          the logging endpoint, {@code ws://} or {@code wss://}
 * @param token             the last token, stored with its {@code bearer } prefix
 * @param tokenCommand      a shell command printing a fresh token, run on 401 and by {@code logs token}
 * @param skipSslValidation trust any server certificate (development only)
 * @param caFile            PEM file of CA certificates to trust for the endpoint
 * @param doppler           host:port of a Doppler's gRPC ingress, for {@code logs emit}
 * @param apps              app names and their GUIDs ({@code logs app NAME GUID}), so a name can be typed for an app
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CliConfig(
        @JsonProperty("endpoint") String endpoint,
        @JsonProperty("token") String token,
        @JsonProperty("token_command") String tokenCommand,
        @JsonProperty("skip_ssl_validation") Boolean skipSslValidation,
        @JsonProperty("ca_file") String caFile,
        @JsonProperty("doppler") String doppler,
        @JsonProperty("apps") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> apps) {

    public CliConfig {
        apps = apps == null ? Map.of() : Map.copyOf(apps);
    }

    public static CliConfig empty() {
        return new CliConfig(null, null, null, null, null, null, null);
    }

    public CliConfig withEndpoint(String endpoint, Boolean skipSslValidation, String caFile) {
        return new CliConfig(endpoint, token, tokenCommand, skipSslValidation, caFile, doppler, apps);
    }

    public CliConfig withToken(String token) {
        return new CliConfig(endpoint, token, tokenCommand, skipSslValidation, caFile, doppler, apps);
    }

    public CliConfig withTokenCommand(String tokenCommand) {
        return new CliConfig(endpoint, token, tokenCommand, skipSslValidation, caFile, doppler, apps);
    }

    public CliConfig withApp(String name, String guid) {
        Map<String, String> named = new TreeMap<>(apps);
        named.put(name, guid);
        return new CliConfig(endpoint, token, tokenCommand, skipSslValidation, caFile, doppler, named);
    }

    public CliConfig withDoppler(String doppler) {
        return new CliConfig(endpoint, token, tokenCommand, skipSslValidation, caFile, doppler, apps);
    }
}

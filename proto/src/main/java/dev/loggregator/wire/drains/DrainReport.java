package dev.loggregator.wire.drains;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The syslog drains in force on one Doppler and their state, as JSON: what a Doppler answers on
 * {@code GET /drains[?app=ID]} (internal port) and what the Traffic Controller's {@code /drains}
 * gathers from every Doppler for {@code logs drains}. URLs are shown without user info and query.
 * Unknown fields are ignored when reading, so either side may add some.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DrainReport(String doppler, List<Drain> drains, List<Refused> refused) {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public DrainReport {
        drains = drains == null ? List.of() : List.copyOf(drains);
        refused = refused == null ? List.of() : List.copyOf(refused);
    }

    /**
     * One drain. {@code appId} is null for an aggregate drain; {@code state} is {@code idle},
     * {@code connecting}, {@code connected}, {@code backing off} or {@code closed}; counts are RFC 5424
     * messages ({@code dropped} includes envelopes refused by the full buffer); {@code lastErrorAt} is
     * ISO-8601 or null.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Drain(String appId, String hostname, String url, String source, String drainData, String state,
                        long sent, long dropped, long errors, long queued, String lastError, String lastErrorAt) {
    }

    /** A binding not in force: {@code reason} is the message its app's developer gets. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Refused(String appId, String url, String reason) {
    }

    /** Every Doppler's report as the Traffic Controller gathers them: how many were asked and answered. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Gathered(int asked, int answered, List<DrainReport> dopplers) {
        public Gathered {
            dopplers = dopplers == null ? List.of() : List.copyOf(dopplers);
        }

        public byte[] toJson() {
            return write(this);
        }

        public static Gathered fromJson(byte[] json) throws IOException {
            return JSON.readValue(json, Gathered.class);
        }
    }

    public byte[] toJson() {
        return write(this);
    }

    public static DrainReport fromJson(byte[] json) throws IOException {
        return JSON.readValue(json, DrainReport.class);
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

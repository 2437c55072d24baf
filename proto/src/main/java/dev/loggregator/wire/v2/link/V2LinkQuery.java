package dev.loggregator.wire.v2.link;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EgressBatchRequest;

/**
 * The Doppler link of a v2 subscription (docs/internal-protocol.md): {@code GET /v2/subscribe?format=F&request=R}
 * where R is the converged {@code EgressBatchRequest} (selectors, shard id, deterministic name, tag
 * preference) as URL-safe base64 protobuf, so a link carries any request the v2 APIs accept, and F
 * says what the batch records hold: {@code v2} (marshalled v2 envelopes) or {@code json} (each
 * envelope's protojson, as the RLP gateway writes it).
 */
public final class V2LinkQuery {
    public static final String PATH = "/v2/subscribe";

    /** What a v2 link's records hold. */
    public enum Format {
        PROTOBUF("v2"),
        JSON("json");

        private final String query;

        Format(String query) {
            this.query = query;
        }

        public String query() {
            return query;
        }
    }

    /** A parsed link request. */
    public record Request(EgressBatchRequest request, Format format) {
    }

    private V2LinkQuery() {
    }

    public static String pathAndQuery(EgressBatchRequest request, Format format) {
        return PATH + "?format=" + format.query() + "&request="
                + Base64.getUrlEncoder().withoutPadding().encodeToString(request.toByteArray());
    }

    /** @throws IllegalArgumentException naming what is missing or malformed */
    public static Request parse(Map<String, List<String>> parameters) {
        String format = single(parameters, "format");
        Format parsedFormat = switch (format) {
            case "v2" -> Format.PROTOBUF;
            case "json" -> Format.JSON;
            default -> throw new IllegalArgumentException("format must be v2 or json, not " + format);
        };
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(single(parameters, "request"));
            return new Request(EgressBatchRequest.parseFrom(bytes), parsedFormat);
        } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("request is not a base64url EgressBatchRequest: " + e.getMessage());
        }
    }

    private static String single(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        if (values == null || values.size() != 1) {
            throw new IllegalArgumentException("exactly one " + name + " parameter is required");
        }
        return values.get(0);
    }
}

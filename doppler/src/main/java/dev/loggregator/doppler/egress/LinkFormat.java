package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.wire.v2.TagPreference;

/**
 * What a link's batch records hold (docs/internal-protocol.md): marshalled v1 envelopes (the v1 API's
 * links), marshalled v2 envelopes with preferred or deprecated tags (gRPC egress), or each v2
 * envelope's protojson (the RLP gateway's Server-Sent Events). An envelope is one record in every
 * v2 format; in v1 it is as many as its v1 form has (none for a v2 event).
 */
enum LinkFormat {
    V1,
    V2_PREFERRED_TAGS,
    V2_DEPRECATED_TAGS,
    JSON;

    int records(RoutedEnvelope envelope) {
        return this == V1 ? envelope.v1().length : 1;
    }

    byte[] record(RoutedEnvelope envelope, int index) {
        return switch (this) {
            case V1 -> envelope.v1()[index];
            case V2_PREFERRED_TAGS -> envelope.v2Bytes(TagPreference.PREFERRED);
            case V2_DEPRECATED_TAGS -> envelope.v2Bytes(TagPreference.DEPRECATED);
            case JSON -> envelope.json();
        };
    }
}

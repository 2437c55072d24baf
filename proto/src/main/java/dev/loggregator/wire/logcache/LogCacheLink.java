package dev.loggregator.wire.logcache;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.logcache.v1.LogCacheEgress.ReadRequest;

/**
 * Log Cache reads between Traffic Controllers and Dopplers (docs/internal-protocol.md):
 * {@code GET /logcache/read?format=json|v2&request=R} with R the {@code logcache.v1.ReadRequest} as
 * URL-safe base64 protobuf, answered by a batch whose records are an 8-byte big-endian timestamp (the
 * one the envelope is stored under, for merging the Dopplers' answers) followed by the envelope as
 * protojson or marshalled v2; and {@code GET /logcache/meta}, answered by a marshalled {@code MetaResponse}.
 */
public final class LogCacheLink {
    public static final String READ_PATH = "/logcache/read";
    public static final String META_PATH = "/logcache/meta";
    /** PromQL samples: POST a marshalled {@code SeriesRequest}, answered by a marshalled {@code SeriesResponse}. */
    public static final String SERIES_PATH = "/logcache/series";
    /** Length prefix and timestamp. */
    public static final int RECORD_OVERHEAD = 4 + 8;

    /** A parsed read: the request and whether records are protojson (else marshalled v2). */
    public record Read(ReadRequest request, boolean json) {
    }

    /** One record of an answer: its envelope is {@code length} bytes of {@code body} from {@code offset} (no copy). */
    public record Record(long timestamp, byte[] body, int offset, int length) {
        /** The envelope's bytes, copied. */
        public byte[] envelope() {
            return java.util.Arrays.copyOfRange(body, offset, offset + length);
        }
    }

    private LogCacheLink() {
    }

    public static String readPathAndQuery(ReadRequest request, boolean json) {
        return READ_PATH + "?format=" + (json ? "json" : "v2") + "&request="
                + Base64.getUrlEncoder().withoutPadding().encodeToString(request.toByteArray());
    }

    /** @throws IllegalArgumentException naming what is missing or malformed */
    public static Read parseRead(Map<String, List<String>> parameters) {
        List<String> format = parameters.get("format");
        List<String> request = parameters.get("request");
        if (format == null || format.size() != 1 || !(format.get(0).equals("json") || format.get(0).equals("v2"))) {
            throw new IllegalArgumentException("exactly one format parameter, json or v2, is required");
        }
        if (request == null || request.size() != 1) {
            throw new IllegalArgumentException("exactly one request parameter is required");
        }
        try {
            return new Read(ReadRequest.parseFrom(Base64.getUrlDecoder().decode(request.get(0))), format.get(0).equals("json"));
        } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("request is not a base64url ReadRequest: " + e.getMessage());
        }
    }

    /**
     * Starts a record whose envelope the caller then writes straight into {@code out}; returns where
     * the record starts, for {@link #endRecord}.
     */
    public static int startRecord(ByteBuf out, long timestamp) {
        int start = out.writerIndex();
        out.writeIntLE(0);
        out.writeLong(timestamp);
        return start;
    }

    /** Ends the record started at {@code start}: its length, now that the envelope is written. */
    public static void endRecord(ByteBuf out, int start) {
        out.setIntLE(start, out.writerIndex() - start - 4);
    }

    /**
     * The records of an answer body, as views of it.
     *
     * @throws IllegalArgumentException when the records do not add up to the body
     */
    public static List<Record> readRecords(byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<Record> records = new ArrayList<>();
        while (in.hasRemaining()) {
            if (in.remaining() < 4) {
                throw new IllegalArgumentException("truncated record length");
            }
            int length = in.getInt();
            if (length < 8 || length > in.remaining()) {
                throw new IllegalArgumentException("record of " + length + " bytes with " + in.remaining() + " left");
            }
            long timestamp = in.order(java.nio.ByteOrder.BIG_ENDIAN).getLong();
            in.order(java.nio.ByteOrder.LITTLE_ENDIAN);
            records.add(new Record(timestamp, body, in.position(), length - 8));
            in.position(in.position() + length - 8);
        }
        return records;
    }
}

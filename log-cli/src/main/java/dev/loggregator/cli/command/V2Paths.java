package dev.loggregator.cli.command;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The v2 read API's requests ({@code GET /v2/read}, the RLP gateway's query) for the commands' streams. */
final class V2Paths {
    private V2Paths() {
    }

    /** An app's logs: {@code source_id=APP&log}, what its v1 app stream shows (drop notices come with the stream). */
    static String appLogs(String app) {
        return "/v2/read?source_id=" + URLEncoder.encode(app, StandardCharsets.UTF_8) + "&log";
    }

    /**
     * The firehose: the type flags of the v1 filter ({@code logs}: log; {@code metrics}: everything
     * else; none: every type) and the subscription id as {@code shard_id}, so that readers with the
     * same id split the stream as v1 subscribers do.
     */
    static String firehose(String shardId, FirehoseCommand.Filter filter) {
        String types = filter == null ? "log&counter&gauge&timer&event"
                : filter == FirehoseCommand.Filter.logs ? "log" : "counter&gauge&timer&event";
        return "/v2/read?" + types + "&shard_id=" + URLEncoder.encode(shardId, StandardCharsets.UTF_8);
    }
}

package dev.loggregator.cli.promql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PromQL answers as lines for a person. */
class QueryAnswerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void vectorsMatricesAndScalars() throws Exception {
        assertEquals(List.of("{instance_id=\"0\", source_id=\"app\"} 2.5"), QueryAnswer.lines(JSON.readTree(
                "{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"instance_id\":\"0\",\"source_id\":\"app\"},"
                        + "\"value\":[1700000000.000,\"2.5\"]}]}")));
        assertEquals(List.of("{}", "  1 @1.000", "  2 @2.000"), QueryAnswer.lines(JSON.readTree(
                "{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1.000,\"1\"],[2.000,\"2\"]]}]}")));
        assertEquals(List.of("3"), QueryAnswer.lines(JSON.readTree("{\"resultType\":\"scalar\",\"result\":[1.000,\"3\"]}")));
    }
}

package dev.loggregator.e2e.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.junit.jupiter.api.Test;

/** The promql scenario's checks: a wrong answer must not pass as a benchmark result. */
class PromQLAnswersTest {

    private static String vector(double... values) {
        StringBuilder result = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            result.append(i == 0 ? "" : ",").append("{\"metric\":{\"instance_id\":\"").append(i)
                    .append("\",\"source_id\":\"a\"},\"value\":[1700000000.000,\"").append(values[i]).append("\"]}");
        }
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + result + "]}}\n";
    }

    private static String matrix(int series, int points, double value) {
        StringBuilder result = new StringBuilder();
        for (int i = 0; i < series; i++) {
            result.append(i == 0 ? "" : ",").append("{\"metric\":{\"instance_id\":\"").append(i).append("\"},\"values\":[");
            for (int p = 0; p < points; p++) {
                result.append(p == 0 ? "" : ",").append("[").append(1700000000 + 15 * p).append(".000,\"")
                        .append(value == 0 ? i + 1 : value).append("\"]");
            }
            result.append("]}");
        }
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" + result + "]}}\n";
    }

    @Test
    void anInstantAnswerWithEveryInstanceAndItsValuePasses() {
        String body = vector(10.5, 11.5, 12.5);
        assertNull(PromQLAnswers.checkVector(body, 3, AppMetrics::cpu));
        assertTrue(PromQLAnswers.looksRight(body, 3));
    }

    @Test
    void missingInstancesWrongValuesAndEmptyAnswersFail() {
        assertNotNull(PromQLAnswers.checkVector(vector(10.5, 11.5), 3, AppMetrics::cpu), "an instance missing");
        assertNotNull(PromQLAnswers.checkVector(vector(10.5, 11.5, 99), 3, AppMetrics::cpu), "a wrong value");
        assertNotNull(PromQLAnswers.checkVector(vector(), 3, AppMetrics::cpu), "empty");
        assertNotNull(PromQLAnswers.checkVector("{\"status\":\"error\",\"errorType\":\"bad_data\"}", 3, AppMetrics::cpu));
        assertNotNull(PromQLAnswers.checkVector(matrix(3, 2, 0), 3, AppMetrics::cpu), "a matrix is no vector");
        assertFalse(PromQLAnswers.looksRight(vector(10.5, 11.5), 3));
        assertFalse(PromQLAnswers.looksRight("{\"status\":\"error\"}", 0));
    }

    @Test
    void aRangeAnswerNeedsEveryPointOfEverySeries() {
        assertNull(PromQLAnswers.checkMatrix(matrix(10, 241, 0), 10, 241, AppMetrics::requestRate));
        assertNotNull(PromQLAnswers.checkMatrix(matrix(10, 200, 0), 10, 241, AppMetrics::requestRate), "points missing");
        assertNotNull(PromQLAnswers.checkMatrix(matrix(9, 241, 0), 10, 241, AppMetrics::requestRate), "a series missing");
        assertNotNull(PromQLAnswers.checkMatrix(matrix(10, 241, 7), 10, 241, AppMetrics::requestRate), "wrong rates");
        assertTrue(PromQLAnswers.looksRight(matrix(10, 241, 0), 10));
    }

    @Test
    void theAppsSamplesLieOnTheirGridWithContainerMetricsEveryFifteenSeconds() {
        AppMetrics metrics = new AppMetrics("app", 2, 1_700_000_000L);
        List<Envelope> atOrigin = metrics.at(1_700_000_000L);
        List<Envelope> fiveBefore = metrics.at(1_700_000_000L - 5);
        assertEquals(4, atOrigin.size(), "a counter and container metrics per instance");
        assertEquals(2, fiveBefore.size(), "counters only");
        Envelope counter = fiveBefore.get(1);
        assertEquals("1", counter.getInstanceId());
        assertEquals(1_699_999_995_000_000_000L, counter.getTimestamp());
        long growth = atOrigin.get(2).getCounter().getTotal() - counter.getCounter().getTotal();
        assertEquals(AppMetrics.requestRate(1) * 5, growth, "the counter grows by its rate per second");
    }
}

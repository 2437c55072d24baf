package dev.loggregator.cli.logcache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReadRequestTest {
    @Test
    void writesTheQueryAsGoDoesKeysSorted() {
        // The exact request of `cf logs --recent` (modern-apis.md §1.2).
        assertEquals("descending=true&envelope_types=LOG&limit=1000&start_time=-6795364578871345152",
                ReadRequest.logs(ReadRequest.GO_ZERO_TIME, null, 1000, true).query());
        assertEquals("end_time=200&envelope_types=LOG&envelope_types=GAUGE&limit=5&start_time=100",
                new ReadRequest(100, 200L, 5, List.of("LOG", "GAUGE"), false).query());
        assertEquals("start_time=0", new ReadRequest(0, null, null, List.of(), false).query());
    }
}

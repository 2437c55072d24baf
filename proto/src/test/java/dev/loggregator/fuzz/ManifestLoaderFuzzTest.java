package dev.loggregator.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.loggregator.manifest.ManifestException;
import dev.loggregator.manifest.ManifestLoader;

/**
 * The manifest loader reads a file operators write: any text must either load or stop the
 * component with a {@link ManifestException} naming the problem, never another exception or a hang.
 */
class ManifestLoaderFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void anyTextLoadsOrIsRefusedWithAManifestException(FuzzedDataProvider data) {
        try {
            ManifestLoader.parse(data.consumeRemainingAsString(), "fuzz.yml");
        } catch (ManifestException refused) {
            // one line naming the file and the key
        }
    }
}

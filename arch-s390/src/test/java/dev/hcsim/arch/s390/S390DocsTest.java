package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.spi.HypercallSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** docs/arch/s390.md keeps up with the code: every call, feature, option and documented difference is on the page. */
class S390DocsTest {
    private static String page() throws IOException {
        return Files.readString(Path.of("..", "docs", "arch", "s390.md"));
    }

    @Test
    @DisplayName("the generated table lists every hypercall with its number and the contract's registers")
    void everyCallIsDocumented() throws IOException {
        String doc = page();
        for (HypercallSpec h : S390Hypercalls.all()) {
            assertTrue(doc.contains("| 0x" + Long.toHexString(h.number()) + " | " + h.name() + " |"), h.name());
        }
        assertTrue(doc.contains("| arguments | r2, r3, r4, r5, r6, r7 |"));
        assertTrue(doc.contains("| number | r1 (64 bits compared) |"));
    }

    @Test
    @DisplayName("the walkthrough's timeline is what the scenario prints today")
    void walkthroughTimeline() throws IOException {
        var r = dev.hcsim.core.scenario.ScenarioRunner.run(dev.hcsim.core.scenario.ScenarioReader.read(
                Path.of("..", "examples", "s390-sigp-restart-stop.json")));
        String timeline = dev.hcsim.core.trace.Timeline.render(r.trace().events());
        String doc = page();
        for (String line : timeline.split("\n")) {
            assertTrue(doc.contains(line), "docs/arch/s390.md misses the timeline line:\n" + line);
        }
    }

    @Test
    @DisplayName("every option and every doc/code difference the architecture reports is on the page")
    void optionsAndDifferences() throws IOException {
        String doc = page();
        S390Architecture a = new S390Architecture();
        a.options().forEach(o -> assertTrue(doc.contains("--" + o.name()), o.name()));
        assertTrue(doc.contains("## Where the kernel's documentation and its code disagree"));
        assertTrue(a.docDifferences().size() >= 5);
        for (String key : new String[] {"legacy-virtio", "diag9c_forwarding_hz", "__sigp_conditional_emergency", "0x10003", "SET PREFIX"}) {
            assertTrue(doc.contains(key), key);
            assertTrue(a.docDifferences().stream().anyMatch(d -> d.contains(key.replace("SET PREFIX", "SIGP SET PREFIX"))), key);
        }
    }
}

package dev.hcsim.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Without the cross tools the binutils cross-check is skipped by assumption, never failed and never disabled. */
class BinutilsAbsentTest {
    @Test
    void aTargetWithoutItsToolsIsSkippedByAssumption() {
        var missing = new BinutilsCrossCheckTest.Target("nowhere", "x86", Map.of(), "no-such-triplet-", List.of(), List.of(), "#", "");
        TestAbortedException e = assertThrows(TestAbortedException.class, () -> BinutilsCrossCheckTest.check(missing));
        assertTrue(e.getMessage().contains("GNU binutils for nowhere are not installed"), e.getMessage());
    }
}

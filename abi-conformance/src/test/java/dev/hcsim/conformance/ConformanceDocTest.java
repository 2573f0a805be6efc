package dev.hcsim.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** docs/conformance.md's five-line example, compiled and run; the page must show exactly this code. */
class ConformanceDocTest {
    /** Stands for the user's emulator: here it hands every trap to hcsim, so the kit must pass. */
    static final class MyTrapHandler implements TrapHandler {
        @Override
        public Answer trap(VmConfig vm, int vcpu, byte[] instruction, RegisterAccess registers, GuestMemory memory, VcpuControl control) {
            return TrapHandler.hcsim().trap(vm, vcpu, instruction, registers, memory, control);
        }
    }

    @Nested
    // DOC:begin
    class MyHandlerConformanceTest extends TrapHandlerConformance {
        @Override protected TrapHandler handler() { return new MyTrapHandler(); }
        @Override protected List<String> architectures() { return List.of("x86", "arm64"); }
        @Override protected int examples() { return 500; }
    }
    // DOC:end

    @Test
    void thePageShowsTheExampleAsCompiled() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/hcsim/conformance/ConformanceDocTest.java"));
        String example = source.substring(source.indexOf("// DOC:begin") + "// DOC:begin".length(), source.indexOf("    // DOC:end"))
                .lines().filter(l -> !l.isBlank()).map(l -> l.substring(4)).reduce("", (a, b) -> a + b + "\n");
        String page = Files.readString(Path.of("../docs/conformance.md"));
        assertTrue(page.contains("```java\n" + example + "```"), "docs/conformance.md must show:\n" + example);
    }
}

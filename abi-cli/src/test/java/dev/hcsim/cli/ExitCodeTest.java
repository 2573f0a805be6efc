package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every exit code is documented (docs/cli.md and --help); an internal error is one line, a hint, no stack trace. */
class ExitCodeTest {
    @Test
    @DisplayName("--help and docs/cli.md list exit codes 0, 1, 2, 3 and 130")
    void documented() throws Exception {
        CliTest.Run help = CliTest.hcsim("--help");
        String doc = Files.readString(Path.of("../docs/cli.md"));
        for (String code : new String[] {"0", "1", "2", "3", "130"}) {
            assertTrue(help.out().matches("(?s).*Exit codes:.*\\n\\s+" + code + "\\s+\\S.*"), "--help lists " + code + ":\n" + help.out());
            assertTrue(doc.contains(code + " "), "docs/cli.md lists " + code);
        }
        assertTrue(doc.contains("3 internal"), doc.substring(0, 600));
    }

    @Test
    @DisplayName("an internal error prints one line with a hint to report it and exits 3; the stack trace needs HCSIM_DEBUG=1")
    void internalErrorIsOneLine() {
        StringWriter err = new StringWriter();
        int code = Main.internalError(new NullPointerException("boom\n\u001b[31mred"), new PrintWriter(err, true));
        assertEquals(Main.INTERNAL_ERROR, code);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("hcsim: internal error: java.lang.NullPointerException: boom\\n\\u001b[31mred; please report it"),
                err.toString());
        assertFalse(err.toString().contains("\tat "));
    }

    @Test
    @DisplayName("out of memory (a JVM given 24 MiB and 32 768 vCPUs) is exit 3 with one line, not exit 1 with a stack trace")
    void outOfMemoryIsInternal(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("{\"vms\": [");
        for (int i = 0; i < 8; i++) { // 8 x 4096 = the 32 768 vCPUs a run may have (KVM_MAX_VCPUS is 4096 on x86)
            sb.append(i > 0 ? "," : "").append("{\"name\": \"v").append(i).append("\", \"arch\": \"x86\", \"vcpus\": 4096}");
        }
        Path f = dir.resolve("wide.json");
        Files.writeString(f, sb.append("]}").toString());
        BoundedRunTest.Child c = BoundedRunTest.hcsimIn("24m", dir, "run", f.toString());
        assertEquals(3, c.code(), c.err());
        assertTrue(c.err().startsWith("hcsim: internal error: out of memory"), c.err());
        assertEquals(1, c.err().lines().count(), c.err());
    }
}

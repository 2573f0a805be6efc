package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** docs/getting-started.md does what it says: its commands give the outputs it shows, and write only under a git-ignored folder. */
class GettingStartedTest {
    static final Path DOC = Path.of("../docs/getting-started.md");

    /** The {@code ./hcsim call ...} commands written inline in the text (between backticks). */
    static List<String[]> inlineCalls(String doc) {
        List<String[]> calls = new ArrayList<>();
        Matcher m = Pattern.compile("`\\./hcsim (call [^`]+)`").matcher(doc.replace("\n", " "));
        while (m.find()) {
            List<String> words = new ArrayList<>();
            Matcher w = Pattern.compile("'([^']*)'|(\\S+)").matcher(m.group(1));
            while (w.find()) {
                words.add(w.group(1) != null ? w.group(1) : w.group(2));
            }
            calls.add(words.toArray(String[]::new));
        }
        return calls;
    }

    @Test
    @DisplayName("the arm64 PSCI CPU_ON example powers vCPU 1 on (SUCCESS), not ALREADY_ON, and every inline call runs")
    void inlineCallsRun() throws Exception {
        List<String[]> calls = inlineCalls(Files.readString(DOC));
        assertTrue(calls.size() >= 3, "the text names several calls");
        boolean sawCpuOn = false;
        for (String[] c : calls) {
            CliTest.Run r = CliTest.hcsim(c);
            assertEquals(0, r.code(), String.join(" ", c) + ": " + r.err());
            if (String.join(" ", c).contains("x0=0xc4000003")) {
                sawCpuOn = true;
                assertTrue(r.out().contains("SUCCESS = PSCI_RET_SUCCESS"), r.out());
                assertTrue(r.out().contains("start -> vcpu1"), r.out());
            }
        }
        assertTrue(sawCpuOn, "the CPU_ON example is there");
    }

    @Test
    @DisplayName("step 3's explanation is what the command prints now (lines with ... match up to the elision)")
    void step3Output() throws Exception {
        String doc = Files.readString(DOC);
        int at = doc.indexOf("./hcsim call --arch x86 --vcpus 2 rax=5 rcx=1 --format text");
        assertTrue(at > 0);
        int start = doc.indexOf("```text\n", at) + 8;
        List<String> shown = doc.substring(start, doc.indexOf("```", start)).lines().toList();
        List<String> actual = CliTest.hcsim("call", "--arch", "x86", "--vcpus", "2", "rax=5", "rcx=1", "--format", "text").out().lines().toList();
        assertEquals(actual.size(), shown.size(), "line count");
        for (int i = 0; i < shown.size(); i++) {
            String s = shown.get(i);
            if (s.contains("...")) {
                String[] parts = s.split(Pattern.quote("..."), -1);
                assertTrue(actual.get(i).startsWith(parts[0]) && actual.get(i).endsWith(parts[parts.length - 1]), s + "\nvs\n" + actual.get(i));
            } else {
                assertEquals(s, actual.get(i));
            }
        }
        assertFalse(doc.contains("they started halted"), "the text does not claim that of vCPUs started with --off");
    }

    @Test
    @DisplayName("every file the guide's commands write goes to hcsim-out/, which git ignores")
    void outputsInIgnoredFolder() throws Exception {
        String doc = Files.readString(DOC);
        Matcher m = Pattern.compile("--(?:html|svg|trace|perfetto)[ =](\\S+)").matcher(doc);
        int n = 0;
        while (m.find()) {
            assertTrue(m.group(1).startsWith("hcsim-out/"), "writes outside hcsim-out/: " + m.group());
            n++;
        }
        assertTrue(n >= 3, "the guide writes pictures");
        assertTrue(Files.readAllLines(Path.of("../.gitignore")).contains("/hcsim-out/"));
    }
}

package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The timeline exported for tools people already use: Perfetto/Chrome trace-event JSON and kernel-tracepoint-shaped text. */
class TraceExportTest {
    @Test
    @DisplayName("--perfetto writes trace-event JSON: a process per VM, a thread per vCPU, state slices, trap instants, paired flow arrows")
    void perfetto(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("t.json");
        CliTest.Run r = CliTest.hcsim("run", "../examples/x86-send-ipi.json", "--quiet", "--perfetto", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode events = new ObjectMapper().readTree(out.toFile()).get("traceEvents");
        int processes = 0;
        int threads = 0;
        int slices = 0;
        boolean sendIpi = false;
        Map<Integer, Integer> flows = new HashMap<>();
        for (JsonNode e : events) {
            String ph = e.get("ph").asText();
            switch (ph) {
                case "M" -> {
                    processes += e.get("name").asText().equals("process_name") ? 1 : 0;
                    threads += e.get("name").asText().equals("thread_name") ? 1 : 0;
                }
                case "X" -> {
                    slices++;
                    assertTrue(e.get("dur").asDouble() > 0, "no empty slice: " + e);
                }
                case "i" -> sendIpi |= e.get("name").asText().startsWith("KVM_HC_SEND_IPI");
                case "s", "f" -> flows.merge(e.get("id").asInt(), ph.equals("s") ? 1 : 10, Integer::sum);
                default -> throw new AssertionError("unexpected phase " + e);
            }
        }
        assertEquals(1, processes, "one VM");
        assertEquals(4, threads, "four vCPUs");
        assertTrue(slices >= 8, "state slices: " + slices);
        assertTrue(sendIpi, "the SEND_IPI trap is an instant event");
        assertTrue(!flows.isEmpty() && flows.values().stream().allMatch(v -> v == 11), "every flow has one start and one end: " + flows);
    }

    @Test
    @DisplayName("--format tracepoint prints kvm_hypercall lines as arch/x86/kvm/trace.h formats them: nr = rax, a0..a3 = rbx, rcx, rdx, rsi (x86.c)")
    void tracepoint() throws Exception {
        CliTest.Run text = CliTest.hcsim("run", "../examples/x86-send-ipi.json", "--format", "tracepoint");
        assertEquals(0, text.code(), text.err());
        CliTest.Run json = CliTest.hcsim("run", "../examples/x86-send-ipi.json", "--format", "json");
        List<JsonNode> traps = json.out().lines().map(l -> {
            try {
                return new ObjectMapper().readTree(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).filter(n -> n.get("type").asText().equals("trap")).toList();
        List<String> lines = text.out().lines().filter(l -> l.contains(": kvm_hypercall: ")).toList();
        assertEquals(traps.size(), lines.size(), "one kvm_hypercall line per trap");
        Pattern shape = Pattern.compile("^ *CPU (\\d+)/KVM-(\\d+) +\\[(\\d{3})\\] (\\d+)\\.(\\d{9}): kvm_hypercall: nr (0x[0-9a-f]+) a0 (0x[0-9a-f]+) "
                + "a1 (0x[0-9a-f]+) a2 (0x[0-9a-f]+) a3 (0x[0-9a-f]+)$");
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = shape.matcher(lines.get(i));
            assertTrue(m.matches(), lines.get(i));
            JsonNode t = traps.get(i);
            assertEquals(t.get("vcpu").asInt(), Integer.parseInt(m.group(1)));
            assertEquals(t.get("time").asLong(), Long.parseLong(m.group(4)) * 1_000_000_000L + Long.parseLong(m.group(5)));
            JsonNode read = t.get("read");
            assertEquals(Long.decode(read.get("rax").asText()), Long.decode(m.group(6)), "nr = rax");
            String[] args = {"rbx", "rcx", "rdx", "rsi"};
            for (int a = 0; a < 4; a++) {
                assertEquals(Long.decode(read.get(args[a]).asText()), Long.decode(m.group(7 + a)), "a" + a + " = " + args[a]);
            }
        }
        assertTrue(Files.exists(Path.of("../docs/scenarios.md")));
    }

    @Test
    @DisplayName("a call that exits to the VMM adds kvm_userspace_exit with the exit reason (include/trace/events/kvm.h)")
    void userspaceExit() {
        CliTest.Run r = CliTest.hcsim("run", "../examples/arm64-psci-cpu-on.json", "--format", "tracepoint");
        assertTrue(r.out().lines().anyMatch(l -> l.endsWith(": kvm_userspace_exit: reason KVM_EXIT_SYSTEM_EVENT (24)")), r.out());
    }
}

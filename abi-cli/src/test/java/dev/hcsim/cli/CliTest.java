package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {
    record Run(int code, String out, String err) {
    }

    static Run hcsim(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @DisplayName("hcsim call --arch x86 rax=10 rbx=0xb rcx=0 rdx=0 rsi=0xec --vcpus 4 gives rax 3 (lapic.c __pv_send_ipi)")
    void callSendIpi() throws Exception {
        Run r = hcsim("call", "--arch", "x86", "rax=10", "rbx=0xb", "rcx=0", "rdx=0", "rsi=0xec", "--vcpus", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"rax\" : \"0x0000000000000003\""), r.out());
        JsonNode j = new ObjectMapper().readTree(r.out());
        for (String key : new String[] {"arch", "instruction", "bytes", "call", "status", "outcome", "registers", "changed", "effects",
            "memoryWrites"}) {
            assertTrue(j.has(key), key);
        }
        assertEquals("KVM_HC_SEND_IPI", j.get("call").asText());
        assertEquals("0f01c1", j.get("bytes").asText());
        assertEquals(3, j.get("effects").size());
        assertEquals("0x0000000000001003", j.get("changed").get("pc").asText());
    }

    @Test
    @DisplayName("architecture options are flags: --vendor amd --cpl 3 --mode 32 gives -KVM_EPERM cut to 32 bits")
    void archOptionsAsFlags() throws Exception {
        Run r = hcsim("call", "--arch", "x86_64", "--vendor", "amd", "--cpl", "3", "--mode=32", "rax=1");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("vmmcall", j.get("instruction").asText());
        assertEquals("0x00000000ffffffff", j.get("registers").get("rax").asText());
        assertEquals("-KVM_EPERM", j.get("statusCode").asText());
    }

    @Test
    @DisplayName("--mem preloads guest memory and memoryWrites lists what the call wrote")
    void memoryWrites() throws Exception {
        Run r = hcsim("call", "--arch", "x86", "rax=9", "rbx=0x2000", "rcx=0", "--mem", "0x2000=ffff");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("0x2000", j.get("memoryWrites").get(0).get("gpa").asText());
        assertEquals(128, j.get("memoryWrites").get(0).get("bytes").asText().length());
    }

    @Test
    @DisplayName("--memory gives the VM its regions: a CLOCK_PAIRING into a second region succeeds, past it faults")
    void memoryRegions() throws Exception {
        Run ok = hcsim("call", "--arch", "x86", "--memory", "0:0x10000", "--memory", "0x100000000:0x1000", "rax=9", "rbx=0x100000000");
        assertEquals("0x0000000000000000", new ObjectMapper().readTree(ok.out()).get("registers").get("rax").asText(), ok.err());
        Run fault = hcsim("call", "--arch", "x86", "--memory", "0:0x10000", "rax=9", "rbx=0x100000000");
        assertEquals("0xfffffffffffffff2", new ObjectMapper().readTree(fault.out()).get("registers").get("rax").asText());
        Run bad = hcsim("call", "--arch", "x86", "--memory", "0x1000", "rax=1");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("BASE:SIZE"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown architecture|call --arch vax rax=1|unknown architecture 'vax'",
        "unknown register|call --arch x86 rzz=1|unknown x86 register 'rzz'",
        "malformed number|call --arch x86 rax=12x|is not a number",
        "unknown option|call --arch x86 --frobnicate 1 rax=1|Unknown option: '--frobnicate'",
        "mistyped option|call --arch x86 --vcpux 2 rax=1|Unknown option: '--vcpux' (did you mean --vcpus or --vcpu?)",
        "another architecture's option|call --arch x86 --conduit smc rax=1|--conduit is not an option of x86 (arm64 only)",
        "bad option value|call --arch x86 --vendor via rax=1|--vendor via: expected intel | amd",
        "unknown feature|call --arch x86 --feature warp rax=1|unknown feature 'warp'",
        "unknown picocli option|call|Missing required option",
        "bad assembly|asm --arch x86 frobnicate|is not in the x86 guest subset",
        "bad hex|disasm --arch x86 0fz1|not a hex byte string",
        "missing scenario|run /nonexistent.json|no such file"})
    void badInput(String what, String args, String expected) {
        Run r = hcsim(args.split(" "));
        assertEquals(2, r.code(), what + ": " + r.out() + r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(expected), what + ": " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    @DisplayName("asm and disasm agree with GNU binutils (x86_64-linux-gnu-as 2.40)")
    void asmDisasm() {
        Run a = hcsim("asm", "--arch", "x86", "mov $5, %rax; vmcall");
        assertEquals("48c7c0050000000f01c1", a.out().strip());
        Run d = hcsim("disasm", "--arch", "x86", "0f01c1", "0f01d9");
        assertTrue(d.out().contains("vmcall") && d.out().contains("vmmcall"), d.out());
    }

    @Test
    @DisplayName("explain prints the contract and every hypercall from the data that dispatches")
    void explain() {
        Run r = hcsim("explain", "--arch", "x86");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("rbx, rcx, rdx, rsi"));
        for (String call : new String[] {"KVM_HC_VAPIC_POLL_IRQ", "KVM_HC_KICK_CPU", "KVM_HC_CLOCK_PAIRING", "KVM_HC_SEND_IPI",
            "KVM_HC_SCHED_YIELD", "KVM_HC_MAP_GPA_RANGE", "KVM_HC_MMU_OP"}) {
            assertTrue(r.out().contains(call), call);
        }
        Run json = hcsim("explain", "--arch", "x86", "--format", "json", "--feature", "exit-hypercall");
        assertTrue(json.out().contains("\"offeredByThisVm\" : true"), json.out());
    }

    @Test
    @DisplayName("explain lists the VMM-side controls of Vm.control() with their ioctls (issue 14 item 7, issue 16)")
    void explainListsControls() {
        Run x86 = hcsim("explain", "--arch", "x86");
        assertTrue(x86.out().contains("VMM-side controls"), x86.out());
        assertTrue(x86.out().contains("KVM_CAP_ENFORCE_PV_FEATURE_CPUID 190") && x86.out().contains("MSR_KVM_STEAL_TIME 0x4b564d03"), x86.out());
        Run arm = hcsim("explain", "--arch", "arm64");
        for (String s : new String[] {"KVM_REG_ARM_PSCI_VERSION", "KVM_REG_ARM_STD_BMAP", "KVM_ARM_VM_SMCCC_FILTER", "KVM_ARM_VCPU_PVTIME_IPA"}) {
            assertTrue(arm.out().contains(s), s);
        }
        assertTrue(hcsim("explain", "--arch", "loongarch").out().contains("KVM_LOONGARCH_VCPU_PVTIME_GPA"));
        assertTrue(hcsim("explain", "--arch", "s390").out().contains("KVM_SYNC_DIAG318"));
        assertTrue(hcsim("explain", "--arch", "mips").out().contains("none: ONE_REG -ENOENT"));
    }

    @Test
    @DisplayName("run: 0 when expectations hold (trace written), 1 when one fails, 2 on a malformed file with no trace left behind")
    void run(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("t.jsonl");
        Run ok = hcsim("run", "../examples/x86-send-ipi.json", "--trace", trace.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.readString(trace).contains("KVM_HC_SEND_IPI"));
        String good = Files.readString(Path.of("../examples/x86-send-ipi.json"));
        Path failing = dir.resolve("failing.json");
        Files.writeString(failing, good.replace("\"equals\": 3", "\"equals\": 4"));
        Run bad = hcsim("run", failing.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.out().contains("FAIL"), bad.out());
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"vm\": {\"arch\": \"x86\", \"vcpus\": \"two\"}}");
        Path trace2 = dir.resolve("t2.jsonl");
        Run malformed = hcsim("run", "../examples/x86-send-ipi.json", broken.toString(), "--trace", trace2.toString());
        assertEquals(2, malformed.code());
        assertTrue(malformed.err().contains("broken.json:1:"), malformed.err());
        assertTrue(malformed.out().isEmpty(), "nothing runs when a file is malformed");
        assertFalse(Files.exists(trace2));
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    @DisplayName("demo runs every bundled scenario and they all meet their expectations")
    void demo() {
        Run r = hcsim("demo", "--dir", "../examples", "--quiet");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("x86-pv-spinlock-kick"));
    }
}

package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's embedding example, compiled and run; the README must show exactly this code. */
class ReadmeEmbeddingTest {

    @Test
    @DisplayName("the README's embedding example compiles, runs, and kicks vCPU 1 (KVM_HC_KICK_CPU)")
    void example() throws Exception {
        // README:begin
        Vm vm = Vm.create(VmConfig.builder("x86").vcpus(2).build());
        byte[] ram = new byte[0x10000];                                    // the emulator's own RAM
        GuestMemory memory = new GuestMemory() {                           // a miss answers false, never throws
            public boolean read(long gpa, byte[] dst, int off, int len) {
                if (gpa < 0 || gpa + len > ram.length) return false;
                System.arraycopy(ram, (int) gpa, dst, off, len); return true; }
            public boolean write(long gpa, byte[] src, int off, int len) {
                if (gpa < 0 || gpa + len > ram.length) return false;
                System.arraycopy(src, off, ram, (int) gpa, len); return true; }
        };
        RegisterFile regs = new RegisterFile(vm.architecture().registers()); // or your own RegisterAccess
        vm.resetVcpu(0, regs);                                            // CPL 0, long mode
        ram[0x1000] = 0x0f; ram[0x1001] = 0x01; ram[0x1002] = (byte) 0xc1;  // vmcall
        regs.pc(0x1000); regs.set("rax", 5); regs.set("rcx", 1);         // KVM_HC_KICK_CPU, APIC ID 1
        EffectLog effects = new EffectLog(2);                             // or your own VcpuControl
        TrapResult r = vm.trap(0, regs, memory, effects);
        // r.outcome() == RESUME, regs.get("rax") == 0, regs.pc() == 0x1003, effects.drain() == [kick vcpu1]
        // README:end
        assertEquals(Outcome.RESUME, r.outcome());
        assertEquals(0, regs.get("rax"));
        assertEquals(0x1003, regs.pc());
        assertEquals("[kick vcpu1]", effects.drain().toString());
    }

    @Test
    @DisplayName("README.md shows the example exactly as this test compiles it")
    void readmeShowsThisCode() throws Exception {
        String me = Files.readString(Path.of("src/test/java/dev/hcsim/arch/x86/ReadmeEmbeddingTest.java"), StandardCharsets.UTF_8);
        String code = me.substring(me.indexOf("// README:begin\n") + 16, me.indexOf("        // README:end"));
        String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        String unindented = code.lines().map(l -> l.length() >= 8 ? l.substring(8) : l.strip()).reduce("", (a, b) -> a + b + "\n");
        assertTrue(readme.contains(unindented), "README.md must contain the embedding example verbatim:\n" + unindented);
    }
}

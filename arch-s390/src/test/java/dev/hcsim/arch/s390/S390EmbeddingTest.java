package dev.hcsim.arch.s390;

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

/** The embedding example of docs/arch/s390.md, compiled and run; the page must show exactly this code. */
class S390EmbeddingTest {

    @Test
    @DisplayName("an emulator's own RAM, registers and virtio devices: DIAG 0x500 subcode 3 and SIGP EXTERNAL CALL")
    void example() {
        // DOC:begin
        Vm vm = Vm.create(VmConfig.builder("s390").vcpus(2).build());
        byte[] ram = new byte[0x10000];                                    // the emulator's own RAM (big-endian)
        GuestMemory memory = new GuestMemory() {
            public boolean read(long gpa, byte[] dst, int off, int len) {
                if (gpa < 0 || gpa + len > ram.length) return false;
                System.arraycopy(ram, (int) gpa, dst, off, len); return true; }
            public boolean write(long gpa, byte[] src, int off, int len) {
                if (gpa < 0 || gpa + len > ram.length) return false;
                System.arraycopy(src, off, ram, (int) gpa, len); return true; }
        };
        S390Vm s390 = vm.archState(S390Vm.class);
        s390.virtioSink((vcpu, m, cssid, ssid, schno, queue, data) -> schno == 2 && queue == 0); // your devices
        RegisterFile regs = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, regs);                                            // supervisor state, 64-bit, prefix 0
        EffectLog effects = new EffectLog(2);                             // or your own VcpuControl

        byte[] diag = {(byte) 0x83, 0x24, 0x05, 0x00};                    // diag %r2,%r4,0x500
        regs.pc(0x2000); regs.set("r1", 3); regs.set("r2", 0x10002); regs.set("r3", 0);
        TrapResult r = vm.trap(0, regs, memory, effects, diag);         // virtio-ccw notify 0.0.0002 queue 0
        // r.outcome() == RESUME, regs.get("r2") == 0, regs.pc() == 0x2004

        byte[] sigp = {(byte) 0xAE, 0x43, 0x00, 0x02};                    // sigp %r4,%r3,2 (external call)
        regs.pc(0x2004); regs.set("r3", 1);
        TrapResult s = vm.trap(0, regs, memory, effects, sigp);
        // s.outcome() == RESUME, condition code 0, effects.drain() == [interrupt vcpu1 vector 0x1202]
        // DOC:end
        assertEquals(Outcome.RESUME, r.outcome());
        assertEquals(Outcome.RESUME, s.outcome());
        assertEquals(0, regs.get("r2"));
        assertEquals(0x2008, regs.pc());
        assertEquals(0, S390Registers.cc(regs.get("pswm")));
        assertEquals("[interrupt vcpu1 vector 0x1202]", effects.drain().toString());
    }

    @Test
    @DisplayName("docs/arch/s390.md shows the example exactly as this test compiles it")
    void docShowsThisCode() throws Exception {
        String me = Files.readString(Path.of("src/test/java/dev/hcsim/arch/s390/S390EmbeddingTest.java"), StandardCharsets.UTF_8);
        String code = me.substring(me.indexOf("// DOC:begin\n") + 13, me.indexOf("        // DOC:end"));
        String doc = Files.readString(Path.of("../docs/arch/s390.md"), StandardCharsets.UTF_8);
        String unindented = code.lines().map(l -> l.length() >= 8 ? l.substring(8) : l.strip()).reduce("", (a, b) -> a + b + "\n");
        assertTrue(doc.contains(unindented), "docs/arch/s390.md must contain the embedding example verbatim:\n" + unindented);
    }
}

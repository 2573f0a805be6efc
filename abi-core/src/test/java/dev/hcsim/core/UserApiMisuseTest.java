package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.engine.Engine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 8, for the entry points the boundary work added or changed (Vm.create, assemble, disassemble,
 * archState, restore; KvmControl's arrays and lists; VmSnapshot.State's fields): each misuse is one
 * IllegalArgumentException with a one-line message, never a raw NullPointerException or ClassCastException.
 * The older entry points (trap, completeExit, vcpuId, resetVcpu, scheduleIn/Out, listeners, VmConfig) are in
 * EmbeddingContractTest and KvmControlTest.
 */
class UserApiMisuseTest {
    private static Vm toy() {
        return Vm.create(VmConfig.builder("toy").vcpus(2).build());
    }

    private static String message(Runnable misuse) {
        String m = assertThrows(IllegalArgumentException.class, misuse::run).getMessage();
        assertTrue(m != null && !m.isBlank() && !m.contains("\n"), "one line: " + m);
        return m;
    }

    @Test
    @DisplayName("Vm.create(null), an unknown architecture and an unknown option name their mistake")
    void create() {
        assertEquals("the VM configuration is null", message(() -> Vm.create(null)));
        assertTrue(message(() -> Vm.create(VmConfig.builder("vax").build())).startsWith("unknown architecture 'vax'; known: "));
        assertEquals("unknown option 'nope'", message(() -> toy().option("nope")));
    }

    @Test
    @DisplayName("Vm.assemble: null source and a bad statement (its line first); the bytes of a good one")
    void assemble() {
        Vm vm = toy();
        assertEquals("the assembly source is null", message(() -> vm.assemble(null, 0x1000)));
        assertEquals("line 2: 'frobnicate': unknown mnemonic", message(() -> vm.assemble("nop\nfrobnicate", 0x1000)));
        Program p = vm.assemble("nop\ntrap", 0x1000);
        assertEquals(0x1000, p.origin());
        assertEquals(List.of(0, 0, 1, 0), List.of((int) p.bytes()[0], (int) p.bytes()[1], (int) p.bytes()[2], (int) p.bytes()[3]));
    }

    @Test
    @DisplayName("Vm.disassemble: null is an error; otherwise one line per instruction, undecodable bytes included")
    void disassemble() {
        Vm vm = toy();
        assertEquals("the code to disassemble is null", message(() -> vm.disassemble(null, 0)));
        List<Program.Line> lines = vm.disassemble(new byte[] {0, 0, 1, 0, (byte) 0xee, 0}, 0x2000);
        assertEquals(3, lines.size());
        assertEquals(List.of(0x2000L, 0x2002L, 0x2004L), lines.stream().map(Program.Line::address).toList());
        assertEquals("nop", lines.get(0).source());
        assertEquals(List.of(), vm.disassemble(new byte[0], 0));
    }

    @Test
    @DisplayName("Vm.archState: the architecture's own object for its class; another class or null is an error")
    void archState() {
        Vm vm = toy();
        Object state = vm.archState(Object.class);
        assertSame(Engine.context(vm).archVm(), state);
        assertTrue(message(() -> vm.archState(String.class)).endsWith(", not a String"));
        assertTrue(message(() -> vm.archState(null)).endsWith(", not a null"));
    }

    @Test
    @DisplayName("Vm.restore(null) is an error, as a snapshot of another architecture or vCPU count is")
    void restore() {
        Vm vm = toy();
        assertEquals("the snapshot is null", message(() -> vm.restore(null)));
        VmSnapshot other = new VmSnapshot(VmSnapshot.FORMAT, "toy", false, VmSnapshot.State.builder().build(), List.of());
        assertEquals("snapshot has 0 vCPUs, this VM has 2", message(() -> vm.restore(other)));
    }

    @Test
    @DisplayName("VmSnapshot.State: a missing field or one of another kind is an error naming the field")
    void snapshotFields() {
        VmSnapshot.State s = VmSnapshot.State.of(Map.of("n", 5L, "t", "text"));
        assertEquals(5, s.num("n"));
        assertTrue(message(() -> s.num("t")).contains("'t'"));
        assertTrue(message(() -> s.num("missing")).contains("'missing'"));
        assertTrue(message(() -> s.text("n")).contains("'n'"));
    }

    @Test
    @DisplayName("KvmControl: a null array, list or entry is one IllegalArgumentException, before any ioctl answer")
    void controlNulls() {
        KvmControl c = toy().control();
        assertEquals("the array of MSR entries is null", message(() -> c.setMsrs(0, (MsrEntry[]) null)));
        assertEquals("the MSR entry is null", message(() -> c.setMsrs(0, new MsrEntry(0x10, 0), null)));
        assertEquals("the array of MSR indices is null", message(() -> c.getMsrs(0, (long[]) null)));
        assertEquals("the list of CPUID entries is null", message(() -> c.setCpuid(0, null)));
        assertEquals("the attribute value is null", message(() -> c.setDeviceAttr(0, 0, null)));
        assertEquals("the attribute value is null", message(() -> c.setVcpuAttr(0, 0, 0, null)));
        assertEquals("the array of capability arguments is null", message(() -> c.enableCap(1, (long[]) null)));
        assertEquals("the attribute value is null", message(() -> KvmControl.u64(null)));
    }
}

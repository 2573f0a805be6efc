package example.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.VmConfig;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The toy CPU loop with hcsim embedded: guest programs assembled with Vm.assemble (hcsim's assembler), run by the toy's own decoder. */
class ToyMachineTest {
    static ToyMachine machine(VmConfig config, String... programs) {
        ToyMachine m = new ToyMachine(config, 0x10000);
        for (int i = 0; i < programs.length; i++) {
            long at = 0x1000L * (i + 1);
            m.load(at, m.vm().assemble(programs[i], at).bytes());
            m.cpu(i).rip = at;
        }
        return m;
    }

    @Test
    @DisplayName("KVM_HC_KICK_CPU (x86.c kvm_pv_kick_cpu_op): vcpu0's vmcall wakes the halted vcpu1, which goes on to its next instruction")
    void kick() {
        ToyMachine m = machine(VmConfig.builder("x86").vcpus(2).build(),
                "mov $5, %rax; mov $0, %rbx; mov $1, %rcx; vmcall; hlt",
                "hlt; mov $1, %r8; hlt");
        m.run(1000);
        assertEquals(0, m.cpu(0).gpr[0], "rax = 0: success");
        assertEquals(1, m.cpu(1).gpr[8], "vcpu1 ran past its first hlt");
        assertEquals(List.of("kick vcpu1", "vcpu0 KVM_HC_KICK_CPU -> 0"), m.log());
    }

    @Test
    @DisplayName("KVM_HC_SEND_IPI (lapic.c kvm_pv_send_ipi) through the toy: rax says how many vCPUs took the IPI")
    void sendIpi() {
        ToyMachine m = machine(VmConfig.builder("x86").vcpus(3).build(),
                "mov $10, %rax; mov $6, %rbx; mov $0, %rcx; mov $0, %rdx; mov $0xec, %rsi; vmcall; hlt", "hlt", "hlt");
        m.run(1000);
        assertEquals(2, m.cpu(0).gpr[0]);
        assertTrue(m.log().contains("interrupt 0xec to vcpu1") && m.log().contains("interrupt 0xec to vcpu2"), m.log().toString());
    }

    @Test
    @DisplayName("an unknown number gives -KVM_ENOSYS (x86.c kvm_emulate_hypercall) and user mode gives -KVM_EPERM")
    void errors() {
        ToyMachine m = machine(VmConfig.builder("x86").build(), "mov $999, %rax; vmcall; hlt");
        m.run(100);
        assertEquals(-1000, m.cpu(0).gpr[0]);
        ToyMachine user = machine(VmConfig.builder("x86").option("cpl", "3").build(), "mov $5, %rax; vmcall; hlt");
        user.run(100);
        assertEquals(-1, user.cpu(0).gpr[0]);
        assertFalse(user.cpu(0).halted && user.cpu(0).stopped != null);
    }
}

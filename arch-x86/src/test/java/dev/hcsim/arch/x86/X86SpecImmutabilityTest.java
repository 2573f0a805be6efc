package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hcsim.core.Status;
import dev.hcsim.core.Vm;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.HypercallSpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the JVM-wide x86 architecture hands every VM the same KVM_HC_SCHED_YIELD spec; nothing a
 * reader does to it reaches the next VM (its setters are gone, see HypercallSpecImmutabilityTest for
 * the compile check; its collections throw).
 */
class X86SpecImmutabilityTest {
    @Test
    @DisplayName("x86.c kvm_sched_yield: a second VM still answers KVM_HC_SCHED_YIELD with 0 after a reader tried to change its spec")
    void schedYieldStaysImplemented() {
        Vm first = Vm.create(X86Calls.vm(2).build());
        HypercallSpec spec = Engine.context(first).hypercalls().lookup(X86Hypercalls.KVM_HC_SCHED_YIELD);
        assertThrows(UnsupportedOperationException.class, () -> spec.statuses().clear());
        assertThrows(UnsupportedOperationException.class, () -> Engine.context(first).architecture().hypercalls().remove(spec));
        Vm second = Vm.create(X86Calls.vm(2).build());
        assertSame(spec, Engine.context(second).hypercalls().lookup(X86Hypercalls.KVM_HC_SCHED_YIELD));
        assertEquals("pv-sched-yield", spec.feature());
        assertEquals(0, X86Calls.rax(X86Calls.call("rax", X86Hypercalls.KVM_HC_SCHED_YIELD, "rbx", 1)));
        assertEquals(java.util.Set.of(Status.SUCCESS, Status.NOT_IMPLEMENTED, Status.PERMISSION), spec.statuses());
    }
}

package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioException;
import dev.hcsim.core.scenario.ScenarioReader;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A scenario's {@code host} answers: one value per exit reason, or ret[0] and ret[1] for KVM_EXIT_RISCV_SBI,
 * whose two return values kvm_riscv_vcpu_sbi_return (arch/riscv/kvm/vcpu_sbi.c) copies to a0 and a1.
 */
class ScenarioHostAnswerTest {
    private static Scenario.VmSpec vm(String host) {
        return ScenarioReader.parse("{\"vm\": {\"arch\": \"toy\", \"host\": " + host + "}}", "s.json").vms().get(0);
    }

    private static String error(String host) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> vm(host));
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    @DisplayName("one value and [ret0, ret1] both read, in kvm_run's order")
    void reads() {
        assertEquals(List.of(7L), vm("{\"KVM_EXIT_HYPERCALL\": 7}").hostReturns().get("KVM_EXIT_HYPERCALL"));
        assertEquals(List.of(0L, 6L), vm("{\"KVM_EXIT_RISCV_SBI\": [0, \"0x6\"]}").hostReturns().get("KVM_EXIT_RISCV_SBI"));
        assertEquals(List.of(-3L), vm("{\"KVM_EXIT_RISCV_SBI\": [-3]}").hostReturns().get("KVM_EXIT_RISCV_SBI"));
    }

    @Test
    @DisplayName("two values for an exit with one return field, three values, none, or a bad element: a one-line error at the place")
    void refuses() {
        assertTrue(error("{\"KVM_EXIT_HYPERCALL\": [0, 1]}").contains("only KVM_EXIT_RISCV_SBI returns two"));
        assertTrue(error("{\"KVM_EXIT_RISCV_SBI\": [0, 1, 2]}").contains("one or two values (ret[0], ret[1]), not 3"));
        assertTrue(error("{\"KVM_EXIT_RISCV_SBI\": []}").contains("not 0"));
        assertTrue(error("{\"KVM_EXIT_RISCV_SBI\": [0, \"x\"]}").contains("$.vm.host.KVM_EXIT_RISCV_SBI[1]"));
    }
}

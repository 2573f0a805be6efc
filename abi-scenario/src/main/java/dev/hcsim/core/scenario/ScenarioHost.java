package dev.hcsim.core.scenario;

import dev.hcsim.core.Exit;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.sched.HostHandler;
import java.util.List;
import java.util.Map;

/**
 * A scenario's {@code host}: by exit reason, what the VMM writes into {@code struct kvm_run} before it re-enters
 * the vCPU; a reason it does not name is answered by {@link HostHandler#DEFAULT}. Two values answer
 * {@code KVM_EXIT_RISCV_SBI}'s ret[0] and ret[1] (arch/riscv/kvm/vcpu_sbi.c kvm_riscv_vcpu_sbi_return copies both).
 */
final class ScenarioHost implements HostHandler {
    private final Map<String, List<Long>> answers;

    ScenarioHost(Map<String, List<Long>> answers) {
        this.answers = answers;
    }

    @Override
    public long answer(int vcpu, TrapResult exit) {
        List<Long> a = answers.get(exit.exit().reason().kernelName());
        return a != null ? a.get(0) : HostHandler.DEFAULT.answer(vcpu, exit);
    }

    @Override
    public Exit payload(int vcpu, TrapResult exit, long ret) {
        List<Long> a = answers.get(exit.exit().reason().kernelName());
        if (a != null && a.size() == 2 && exit.exit() instanceof Exit.RiscvSbi s) {
            return new Exit.RiscvSbi(s.extensionId(), s.functionId(), s.args(), a);
        }
        return null;
    }
}

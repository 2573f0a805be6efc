package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.TrapContract;
import org.apiguardian.api.API;

/**
 * A VM's {@link TrapContract} as flat fields: where the number, the arguments and the results are, and how narrow mode
 * cuts them. Built once per VM and shared by every vCPU's {@link Trap} frame (the contract is the VM's, not a vCPU's), so
 * that the trap path touches no collection or getter and a VM with thousands of vCPUs keeps one copy. Engine use.
 */
@API(status = INTERNAL, since = "1.0")
public final class CallLayout {
    final int numberRegister;
    final boolean number32;
    final int[] argumentRegisters;
    final int[] resultRegisters;
    /** For each result, the argument held in the same register (-1: none): writing the result keeps that argument first. */
    final int[] resultArgument;
    /** One bit per argument: every argument kept. */
    final int allArguments;
    final boolean narrowCutsArguments;
    final boolean narrowCutsResults;
    final boolean zeroUnsetResults;

    /**
     * The flat form of {@code contract}.
     * @param contract the architecture's trap contract
     */
    public CallLayout(TrapContract contract) {
        this.numberRegister = contract.numberRegister();
        this.number32 = contract.numberBits() == 32;
        this.argumentRegisters = new int[contract.argumentCount()];
        for (int i = 0; i < argumentRegisters.length; i++) {
            argumentRegisters[i] = contract.argumentRegister(i);
        }
        this.resultRegisters = new int[contract.resultCount()];
        this.resultArgument = new int[resultRegisters.length];
        for (int i = 0; i < resultRegisters.length; i++) {
            resultRegisters[i] = contract.resultRegister(i);
            resultArgument[i] = -1;
            for (int k = 0; k < argumentRegisters.length; k++) {
                if (argumentRegisters[k] == resultRegisters[i]) {
                    resultArgument[i] = k;
                }
            }
        }
        this.allArguments = (1 << argumentRegisters.length) - 1;
        this.narrowCutsArguments = contract.narrowTruncatesArguments();
        this.narrowCutsResults = contract.narrowTruncatesResults();
        this.zeroUnsetResults = contract.unsetResults() == TrapContract.UnsetResults.ZEROED;
    }
}

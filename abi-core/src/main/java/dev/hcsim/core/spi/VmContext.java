package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.TrapContract;
import dev.hcsim.core.VmConfig;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * What an architecture module sees of one VM (the kernel's {@code struct kvm} as arch code uses it): its
 * configuration, resolved options and features, vCPU ids, hypercall table, codec, the architecture's own
 * per-VM part and each vCPU's trap frame. The engine implements it for every {@link dev.hcsim.core.Vm};
 * {@link Architecture#attach} receives it, and {@link Trap#vm()} and {@link Cpu#vm()} return it.
 *
 * <p>It is the SPI's view on purpose: the SPI never names the user API's {@code Vm}, so that the user API
 * depends on the SPI and never the other way round.
 */
@API(status = INTERNAL, since = "1.0")
public interface VmContext {
    /**
     * The architecture this VM simulates.
     * @return the architecture
     */
    Architecture architecture();

    /**
     * The configuration the VM was created with.
     * @return the configuration
     */
    VmConfig config();

    /**
     * The architecture's trap contract.
     * @return the contract
     */
    default TrapContract contract() {
        return architecture().contract();
    }

    /**
     * The hypercall table of this VM (its options and features applied).
     * @return the table
     */
    HypercallTable hypercalls();

    /**
     * The guest's byte order, for this VM's options.
     * @return big- or little-endian
     */
    ByteOrder byteOrder();

    /**
     * The instruction codec of this VM (its byte order and mode applied).
     * @return the codec
     */
    Codec codec();

    /**
     * True when the VM offers feature {@code name}.
     * @param name a feature name the architecture declares
     * @return whether the feature is on
     */
    boolean feature(String name);

    /**
     * The features this VM offers.
     * @return an unmodifiable set of feature names
     */
    Set<String> features();

    /**
     * The resolved value of option {@code name}.
     * @param name an option the architecture declares
     * @return its value
     * @throws IllegalArgumentException when the architecture has no such option
     */
    String option(String name);

    /**
     * Option {@code name} as a number.
     * @param name an option the architecture declares
     * @return its value as a number
     * @throws IllegalArgumentException when there is no such option or its value is not a number
     */
    long optionNumber(String name);

    /**
     * Every resolved option.
     * @return an unmodifiable map of every declared option to its value
     */
    Map<String, String> options();

    /**
     * The number of vCPUs.
     * @return the vCPU count
     */
    int vcpuCount();

    /**
     * The architecture id of vCPU {@code index}.
     * @param index the vCPU index, 0 to vcpus-1
     * @return its id
     * @throws IllegalArgumentException when {@code index} is not a vCPU of this VM
     */
    long vcpuId(int index);

    /**
     * The index of the vCPU with architecture id {@code id}, or -1. Allocation-free.
     * @param id the architecture's id of a vCPU
     * @return the vCPU index, or -1
     */
    int vcpuIndex(long id);

    /**
     * True once any vCPU of this VM has run (kvm_vm_has_ran_once).
     * @return whether the VM has run
     */
    boolean hasRun();

    /**
     * Records that a vCPU runs (the standalone scheduler calls it when it schedules a vCPU in; an embedded
     * {@code Vm.trap} records it itself).
     */
    void markRun();

    /**
     * Claims this VM for a standalone machine: true the first time, false after (one VM, one machine, since the per-VM
     * architecture state belongs to one guest memory). A flag of the VM's own, not a registry every machine shares: a
     * seed sweep builds a machine per seed on every thread.
     * @return whether this call claimed it
     */
    boolean claimForMachine();

    /**
     * The architecture's per-VM part, as its own type.
     * @param <T> the architecture's state type
     * @param type that type's class
     * @return the state
     * @throws ClassCastException when the state is of another type
     */
    <T extends ArchitectureVm> T archState(Class<T> type);

    /**
     * The architecture's per-VM part.
     * @return the state the architecture created for this VM
     */
    ArchitectureVm archVm();

    /**
     * The trap frame of {@code vcpu}, which its traps reuse.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the frame
     */
    Trap frame(int vcpu);

    /**
     * The standalone engine's trap: {@code Vm.trap} for a trap instruction at a known call site, whose bytes
     * {@code site} keeps while {@code memory} holds them unchanged and whose spec it caches by number. The
     * result is the one {@code Vm.trap} gives for the same registers and memory, listeners included. It does not
     * {@linkplain #markRun mark the VM run}: the caller did when it scheduled the vCPU in (once per run, not per trap).
     * @param vcpu the trapping vCPU's index
     * @param regs its registers, read and written in place
     * @param memory the machine's guest memory
     * @param control the machine's vCPU control
     * @param site the trap instruction's call site
     * @return the trap's result, valid until the next trap on this vCPU
     */
    dev.hcsim.core.TrapResult trap(int vcpu, dev.hcsim.core.RegisterAccess regs, dev.hcsim.core.SparseMemory memory,
            dev.hcsim.core.VcpuControl control, TrapSite site);
}

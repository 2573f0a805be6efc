package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;


/**
 * The two checks of virt/kvm/kvm_main.c {@code kvm_vm_ioctl_create_vcpu} that every architecture shares: a vCPU id
 * at or above {@code KVM_MAX_VCPU_IDS} and a vCPU past {@code kvm->max_vcpus} (by default {@code KVM_MAX_VCPUS})
 * both fail with -EINVAL. An architecture module calls it when a VM is attached, with its own kernel constants and
 * the id its vCPUs are created with.
 *
 * @param maxVcpus the architecture's KVM_MAX_VCPUS (or default max_vcpus) in the configuration the module models
 * @param maxVcpusSource where that value comes from, for the error message
 * @param maxIds the bound every vCPU id must stay below (KVM_MAX_VCPU_IDS, or the architecture's own precreate check);
 *               -1 when the architecture's ids are derived from the vCPU index and need no check
 * @param maxIdsSource where that value comes from, for the error message
 */
@API(status = INTERNAL, since = "1.0")
public record KvmVcpuLimits(int maxVcpus, String maxVcpusSource, long maxIds, String maxIdsSource) {
    /** -EINVAL, what KVM_CREATE_VCPU returns for both checks. */
    public static final String EINVAL = "-EINVAL";

    /**
     * Refuses a VM that KVM would not let the VMM build, with a one-line reason.
     * @param vm the VM being attached
     * @throws IllegalArgumentException when it has too many vCPUs or a vCPU id too large
     */
    public void check(VmContext vm) {
        String arch = vm.architecture().name();
        int n = vm.vcpuCount();
        if (n > maxVcpus) {
            throw new IllegalArgumentException(arch + ": " + n + " vCPUs, but KVM_MAX_VCPUS is " + maxVcpus + " (" + maxVcpusSource
                    + "): KVM_CREATE_VCPU fails with " + EINVAL + " from vCPU " + maxVcpus);
        }
        for (int i = 0; i < n; i++) {
            long id = vm.vcpuId(i);
            if (Long.compareUnsigned(id, maxIds) >= 0) {
                throw new IllegalArgumentException(arch + ": vCPU " + i + " has " + vm.architecture().vcpuIdName() + " 0x"
                        + Long.toHexString(id) + ", but ids must be below " + maxIds + " (" + maxIdsSource
                        + "): KVM_CREATE_VCPU fails with " + EINVAL);
            }
        }
    }
}

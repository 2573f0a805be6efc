/**
 * hcsim's PowerPC module: the KVM paravirtual (ePAPR) hypercall ABI of Book3S PR and BookE KVM,
 * the {@code /hypervisor} device-tree node, and the magic page. It registers
 * {@link dev.hcsim.arch.ppc.PpcArchitecture} as an {@link dev.hcsim.core.spi.Architecture}.
 */
module dev.hcsim.arch.ppc {
    requires dev.hcsim.core;

    exports dev.hcsim.arch.ppc;

    provides dev.hcsim.core.spi.Architecture with dev.hcsim.arch.ppc.PpcArchitecture;
}

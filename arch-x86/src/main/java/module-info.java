/** hcsim's x86-64 architecture: vmcall / vmmcall, CPUID discovery, every KVM_HC_* number. */
module dev.hcsim.arch.x86 {
    requires dev.hcsim.core;

    exports dev.hcsim.arch.x86;

    provides dev.hcsim.core.spi.Architecture with dev.hcsim.arch.x86.X86Architecture;
}

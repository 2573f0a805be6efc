/**
 * hcsim's MIPS (VZ ASE) architecture: the HYPCALL instruction, the v0 / a0..a3 / v0 contract, KVM's
 * -KVM_ENOSYS answer, and the MIPS64 guest subset in both byte orders.
 */
module dev.hcsim.arch.mips {
    requires dev.hcsim.core;

    exports dev.hcsim.arch.mips;

    provides dev.hcsim.core.spi.Architecture with dev.hcsim.arch.mips.MipsArchitecture;
}

# The s390x side-by-side guest (scripts/bench-vs-qemu.sh): LOOPS calls of DIAGNOSE 0x500 subcode 3
# (virtio-ccw notify) on subchannel 0, which does not exist, so both QEMU
# (hw/s390x/s390-hypercall.c handle_virtio_ccw_notify) and hcsim answer -EINVAL (-22) in r2;
# then a disabled wait at the quiesce address 0xfff, which ends the machine.
# The script writes the loop count over LOOPS; GNU as and hcsim assemble this text.
_start:
        lgfi    %r5,LOOPS
loop:
        lghi    %r1,3                  # KVM_S390_VIRTIO_CCW_NOTIFY
        lghi    %r2,0                  # subchannel id 0
        diag    %r2,%r4,0x500
        aghi    %r5,-1
        jnz     loop
        llihf   %r1,0x00020001         # disabled wait PSW: wait bit, 64-bit addressing
        iilf    %r1,0x80000000
        stg     %r1,0xe10
        lghi    %r1,0xfff              # quiesce address: the machine shuts down
        stg     %r1,0xe18
        lpswe   0xe10

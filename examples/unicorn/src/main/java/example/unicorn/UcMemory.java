package example.unicorn;

import com.sun.jna.Memory;
import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.MemoryRegion;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest RAM: one block of host memory per region, mapped into every vCPU's engine with {@code uc_mem_map_ptr}, so
 * that all vCPUs (one Unicorn engine each) share it as the CPUs of one machine do. hcsim reads and writes the same
 * blocks directly; an address outside every region answers false.
 */
public final class UcMemory implements GuestMemory {
    private final List<MemoryRegion> regions;
    private final List<Memory> blocks = new ArrayList<>();

    /**
     * Allocates the regions (zeroed).
     * @param regions the guest's RAM regions, page-aligned
     */
    public UcMemory(List<MemoryRegion> regions) {
        this.regions = List.copyOf(regions);
        for (MemoryRegion r : regions) {
            Memory m = new Memory(r.size());
            m.clear();
            blocks.add(m);
        }
    }

    /**
     * Maps every region into an engine.
     * @param u a vCPU's engine
     */
    public void mapInto(Unicorn u) {
        for (int i = 0; i < regions.size(); i++) {
            u.map(regions.get(i).base(), regions.get(i).size(), blocks.get(i));
        }
    }

    /**
     * The regions.
     * @return the guest's RAM regions
     */
    public List<MemoryRegion> regions() {
        return regions;
    }

    private int region(long gpa, int len) {
        for (int i = 0; i < regions.size(); i++) {
            if (regions.get(i).contains(gpa, len)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean read(long gpa, byte[] dst, int off, int len) {
        int i = region(gpa, len);
        if (i < 0) {
            return false;
        }
        blocks.get(i).read(gpa - regions.get(i).base(), dst, off, len);
        return true;
    }

    @Override
    public boolean write(long gpa, byte[] src, int off, int len) {
        int i = region(gpa, len);
        if (i < 0) {
            return false;
        }
        blocks.get(i).write(gpa - regions.get(i).base(), src, off, len);
        return true;
    }
}

package org.healpixzarr.input.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.healpixzarr.FormatException;
import org.junit.jupiter.api.Test;

class TileNameTest {
    @Test
    void parses() throws Exception {
        TileName t = TileName.parse("grid_-99.95_80.05");
        assertEquals(-99.95, t.lon());
        assertEquals(80.05, t.lat());
        assertTrue(t.contains(-100.0, 80.0));
        assertFalse(t.contains(t.east(), 80.05)); // half-open
        assertTrue(t.contains(t.west(), t.south()));
        assertEquals(147.25, TileName.parse("grid_147.25_-35.35").lon());
    }

    @Test
    void rejectsBadNames() {
        for (String bad : new String[] {"grid_1.5_2.5", "grid_0.10_52.05", "grid_0.15", "tile_0.15_52.05", "grid_0.15_52.05x",
                "grid_-0.00_1.05", "grid_180.05_0.05", "grid_0.15_95.05", "grid_+0.15_52.05"}) {
            FormatException e = assertThrows(FormatException.class, () -> TileName.parse(bad), bad);
            assertTrue(e.getMessage().contains("tile " + bad) && e.getMessage().contains("expected grid_<lon>_<lat>"), e.getMessage());
        }
    }
}

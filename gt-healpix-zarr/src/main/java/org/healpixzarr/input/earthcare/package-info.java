/**
 * Readers of EarthCARE MSI Level-2A products ({@code MSI_CM__2A}, {@code MSI_COP_2A}, {@code MSI_AOT_2A}):
 * product names ({@link org.healpixzarr.input.earthcare.EarthCareProductName}), grouping of inputs by frame
 * ({@link org.healpixzarr.input.earthcare.EarthCareInputs}), one frame into one
 * {@link org.healpixzarr.input.Swath} ({@link org.healpixzarr.input.earthcare.MsiFrameReader}) and the derived
 * ISCCP cloud type ({@link org.healpixzarr.input.earthcare.IsccpCloudType}).
 */
package org.healpixzarr.input.earthcare;

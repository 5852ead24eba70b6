using Marketplace.Domain;

namespace Marketplace.Search;

/// <summary>
/// All facet keys of a product in one 64-bit doc value, so counting facets costs one read per matching document:
/// county code offset (20 bits) | category (8) | certifications (4) | price band (3). The province is the county's.
/// </summary>
internal static class FacetKeys
{
    public const string Field = "facets_dv";
    private const int CountyBase = 110000;

    public static long Pack(int countyId, int categoryId, Certification certs, long priceFen) =>
        ((long)(countyId - CountyBase) << 15) | ((long)(categoryId & 0xFF) << 7) | ((long)certs & 0xF) << 3 | (long)PriceBands.IndexOf(priceFen);

    public static int County(long packed) => (int)(packed >> 15) + CountyBase;
    public static int Category(long packed) => (int)(packed >> 7) & 0xFF;
    public static int Certs(long packed) => (int)(packed >> 3) & 0xF;
    public static int PriceBand(long packed) => (int)packed & 0x7;
}

using Marketplace.Domain;
using Marketplace.Domain.Credit;

namespace Marketplace.Search;

/// <summary>
/// All facet keys of a product in one 64-bit value (a column of <see cref="PackedColumns"/>), so counting facets costs one read per matching document:
/// county code offset (20 bits) | category (8) | certifications (4) | vendor credit grade (3) | price band (3). The
/// province is the county's.
/// </summary>
internal static class FacetKeys
{
    private const int CountyBase = 110000;

    public static long Pack(int countyId, int categoryId, Certification certs, long priceFen, CreditGrade grade) =>
        ((long)(countyId - CountyBase) << 18) | ((long)(categoryId & 0xFF) << 10) | ((long)certs & 0xF) << 6 | ((long)grade & 0x7) << 3
        | (long)PriceBands.IndexOf(priceFen);

    public static int County(long packed) => (int)(packed >> 18) + CountyBase;
    public static int Category(long packed) => (int)(packed >> 10) & 0xFF;
    public static int Certs(long packed) => (int)(packed >> 6) & 0xF;
    public static int Grade(long packed) => (int)(packed >> 3) & 0x7;
    public static int PriceBand(long packed) => (int)packed & 0x7;

    /// <summary>Certifications, grade and price band together (the low 10 bits): one counter per combination.</summary>
    public static int LowKey(long packed) => (int)packed & 0x3FF;
    public const int LowKeyCount = 1024;

    /// <summary>The credit sort key: grade first, then sales (both descending in the sort).</summary>
    public static long CreditKey(CreditGrade grade, int sales) => ((long)grade << 32) | (uint)Math.Max(0, sales);
}

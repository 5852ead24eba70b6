using System.Text;
using Marketplace.Domain;

namespace Marketplace.Web.Infrastructure;

public static class TextFiles
{
    /// <summary>
    /// Text files from Chinese office software are UTF-8 (often with a BOM) or GBK/GB18030; anything that is neither is
    /// refused with a reason. (The GB18030 code page is registered at start.)
    /// </summary>
    public static string Decode(byte[] bytes)
    {
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF'); }
        catch (DecoderFallbackException)
        {
            try { return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback).GetString(bytes); }
            catch (Exception e) when (e is DecoderFallbackException or ArgumentException)
            {
                throw new DomainException("文件编码无法识别，请保存为UTF-8或GBK编码的CSV", "The file is neither UTF-8 nor GBK text; save it as CSV.");
            }
        }
    }
}

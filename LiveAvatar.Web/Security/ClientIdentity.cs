namespace LiveAvatar.Web.Security;

/// <summary>
/// Who is asking: a browser (its random client cookie) or a script (the same cookie, when it keeps one). Holders of
/// the server key are admins. A job belongs to the client that submitted it; only that client or an admin may
/// cancel or delete it, so another page or script on the machine cannot.
/// </summary>
public sealed record ClientIdentity(string Id, bool IsAdmin)
{
    public const string CookieName = "la-client";

    public static ClientIdentity NewAnonymous() => new(Guid.NewGuid().ToString("N"), IsAdmin: false);

    public bool Owns(string? ownerId) => IsAdmin || ownerId == Id;

    public static bool IsValidId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);
}

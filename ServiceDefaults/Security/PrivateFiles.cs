using System.Runtime.InteropServices;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// Everything a service writes (datasets, artifacts, SQLite files, staging files) is readable by its own user only:
/// the process's file-creation mask is set to 077, so new folders are 0700 and new files 0600, whichever code creates
/// them. On by default (<c>Platform:PrivateFiles</c>); Unix only.
/// </summary>
public static partial class PrivateFiles
{
    public const string Setting = "Platform:PrivateFiles";
    private const int OwnerOnlyMask = 0b000_111_111; // octal 077

    public static void Apply()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) _ = SetMask(OwnerOnlyMask);
    }

    [DllImport("libc", EntryPoint = "umask")]
    private static extern int SetMask(int mask);
}

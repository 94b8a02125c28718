// The tests run where SoftHSM2 and Azurite do (tests/run.sh, Linux), and check Unix file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

import Foundation
import LabHosts
@testable import SSHKit

/// Options that use only the lab's files: no ~/.ssh/config, no agent from the environment, no default keys.
func labOptions(_ cluster: LabCluster, key: String? = nil, policy: HostKeyPolicy = .strict,
                agent: String? = nil) -> ConnectOptions {
    var options = ConnectOptions()
    options.knownHostsPath = cluster.knownHostsPath
    options.configPath = cluster.root + "/no-ssh-config"
    options.homeDirectory = cluster.root
    options.identityFiles = [key ?? cluster.clientKey]
    options.useAgent = agent != nil
    options.agentSocket = agent
    options.hostKeyPolicy = policy
    options.connectTimeout = 10
    return options
}

func connect(_ cluster: LabCluster, host: Int = 0, options: ConnectOptions? = nil) throws -> SSHConnection {
    try SSHConnection.connect(SSHTarget(parsing: cluster.hosts[host].target), options: options ?? labOptions(cluster))
}

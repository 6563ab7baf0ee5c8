import Failures
import Foundation

/// The datasets a run knows by name: the contracts of one folder (datasets/, the built-in ones and any a
/// user adds there), each read when it is asked for.
public struct DatasetCatalog: Sendable {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// The names of the contracts in the folder, in order.
    public var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.filter(ContractReader.Keys.isIdentifier).sorted()
    }

    /// The contract of dataset `name`; a name that is no dataset here is a usage error naming those that are.
    public func contract(_ name: String) throws -> Contract {
        guard names.contains(name) else {
            let known = names.isEmpty ? "none in \(folder) (give --datasets)" : names.joined(separator: ", ")
            throw UsageError("unknown dataset \"\(name)\"; datasets are: \(known), or load one declared in a file with --contract")
        }
        let contract = try ContractReader.read("\(folder)/\(name).yaml")
        guard contract.name == name else {
            throw ContractError(file: contract.file, line: nil, key: "dataset", reason: "\"\(contract.name)\" is not the name of its file, \(name).yaml")
        }
        return contract
    }

    /// A contract from elsewhere named like one of this folder's would share its ledger, lock and shrink guard:
    /// refused with the reason.
    public func checkName(of contract: Contract) throws {
        guard names.contains(contract.name) else { return }
        func real(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        guard real(contract.file) != real("\(folder)/\(contract.name).yaml") else { return }
        throw UsageError("\(contract.file): dataset \(contract.name) is already \(folder)/\(contract.name).yaml; give the contract a name of its own")
    }

    /// The loader's dataset `name`.
    public func dataset(_ name: String) throws -> Dataset {
        try contract(name).dataset()
    }
}

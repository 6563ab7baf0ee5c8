import Foundation
import Scoring
import Testing

/// The accident model's stored form has one writer and one reader, `AccidentSeverityModel`: a definition
/// the trainer wrote before it existed (members in the trainer's order) reads back, and what it writes reads
/// back to the same model.
@Suite struct ModelContractTests {
    static let stored = """
        {"kind":"multinomial logistic regression, L2 C=1, balanced class weights","classes":[1,2,3],\
        "features":["light_conditions=1","police_force=missing"],"coefficients":[[0.5,-1.25],[0,1e-05],[-0.5,2]],\
        "intercepts":[-3,0.25,1],"class_weights":[25.6,2.4,0.4],"seed":42,"test_share":0.2,"training_data":"police:ab,response:cd"}
        """

    @Test func test_a_stored_definition_reads_back_and_round_trips() throws {
        let read = try AccidentSeverityModel(json: Data(Self.stored.utf8))
        #expect(read.classes == AccidentSeverityModel.severities.map(\.code))
        #expect(read.trainingData == "police:ab,response:cd" && read.seed == 42 && read.testShare == 0.2)
        let model = try read.model()
        #expect(model.coefficients == [0.5, -1.25, 0, 1e-05, -0.5, 2] && model.intercepts == [-3, 0.25, 1])

        let written = AccidentSeverityModel(
            model, features: read.features, classWeights: [25.6, 2.4, 0.4], seed: 42, testShare: 0.2, trainingData: "police:ab,response:cd")
        let again = try AccidentSeverityModel(json: Data(try written.json().utf8))
        #expect(try again.json() == written.json())
        #expect(try again.model().probabilities([0]) == model.probabilities([0]))
        #expect(try written.json().hasPrefix(#"{"class_weights":[25.6,2.4,0.4],"classes":[1,2,3],"coefficients":[[0.5,-1.25],"#))
    }

    @Test func test_a_definition_that_is_no_model_is_refused_with_its_reason() {
        #expect(throws: ModelError.self) { try AccidentSeverityModel(json: Data(#"{"classes":[1]}"#.utf8)) }
        let mismatched = Self.stored.replacingOccurrences(of: #""intercepts":[-3,0.25,1]"#, with: #""intercepts":[-3]"#)
        #expect(throws: ModelError.self) { try AccidentSeverityModel(json: Data(mismatched.utf8)).model() }
        #expect(AccidentSeverityModel.name(ofSeverity: 2) == "serious" && AccidentSeverityModel.name(ofSeverity: 9) == "9")
    }
}

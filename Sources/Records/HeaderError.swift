import Failures

/// A header that cannot be used; the load stops before any row. A file whose content cannot be used, as
/// every other such error: the name says where it is thrown.
public typealias HeaderError = DataError

//! The two stages of the model: before the naming pass, every place that will hold a Rust
//! name holds what the name is to be made from (or nothing, when the rest of the model says
//! it); after it, the name, a [`RustName`]. A model of one stage is a different type from
//! the other, so render can only be given a model whose every name is decided.

use super::types::Direction;
use std::fmt::{self, Debug};

/// A Rust identifier the naming pass decided: a type, a member, a method, an argument or a
/// local. Its own type, so a wire name or a hint cannot stand where a Rust name goes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct RustName(String);

impl RustName {
    /// A name the naming module decided (or a test wrote by hand).
    pub(crate) fn new(name: impl Into<String>) -> Self {
        RustName(name.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for RustName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RustName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for RustName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RustName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
impl From<&str> for RustName {
    fn from(name: &str) -> Self {
        RustName::new(name)
    }
}

/// What a model holds where Rust names go.
pub trait Stage: Debug + Clone + PartialEq + Default {
    /// A type's name.
    type TypeName: Debug + Clone + PartialEq;
    /// A webhook's decoding function.
    type FunctionName: Debug + Clone + PartialEq;
    /// A name the model around it says what to make of: a struct of response headers,
    /// the method a paging stream sends to the URLs it is given.
    type Name: Debug + Clone + PartialEq;
    /// A member of one item: a parameter of an operation, a field of a header set.
    type Member: Debug + Clone + PartialEq;
    /// A reference to such a member: its place before naming, its name after.
    type MemberRef: Debug + Clone + PartialEq;
    /// A union variant whose name comes from its members' content.
    type VariantName: Debug + Clone + PartialEq;
    /// A reference to a field of a struct: its struct and place before naming, its name
    /// after.
    type FieldRef: Debug + Clone + PartialEq + Eq;
    /// The methods, arguments and locals of an operation.
    type Methods: Debug + Clone + PartialEq;
    /// The stream methods and locals of an operation whose pages can be followed.
    type PagingMethods: Debug + Clone + PartialEq;
}

/// The model as resolve leaves it: hints in place of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unnamed;

/// The model as the naming pass leaves it: every Rust name decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Named;

impl Stage for Unnamed {
    type TypeName = TypeHint;
    /// The words the function is named after (the webhook's operationId or name).
    type FunctionName = String;
    /// Nothing: a header set is named after the operations that use it, a paging method
    /// after its operation's.
    type Name = ();
    /// Nothing: a member is named after its wire name, kept beside it.
    type Member = ();
    /// The member's place in its list.
    type MemberRef = usize;
    type VariantName = VariantHint;
    type FieldRef = (super::TypeId, usize);
    /// Nothing: methods are named after the operationId, and the rest after what the
    /// operation has.
    type Methods = ();
    type PagingMethods = ();
}

impl Stage for Named {
    type TypeName = RustName;
    type FunctionName = RustName;
    type Name = RustName;
    type Member = RustName;
    type MemberRef = RustName;
    type VariantName = RustName;
    type FieldRef = RustName;
    type Methods = MethodNames;
    type PagingMethods = PagingNames;
}

/// Where a type's name comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeHint {
    /// A raw name: a component schema name, a title, or a path of words.
    pub base: String,
    /// The component schema this type is a view of, if any.
    pub component: Option<String>,
    pub direction: Direction,
    /// The view of a component that a multipart upload sends, with files for its binary
    /// properties, when the component is sent as JSON too.
    pub upload: bool,
}

/// What an untagged union's variant is named after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariantHint {
    /// The name its content gave it, chosen among the union's members by the naming
    /// module while the union was read (the types of inline members are named after it).
    Content(String),
    /// Its type (`String`, `Array`, …), or its place in the union when that says nothing.
    Type(usize),
}

/// The names of an operation's methods, of the arguments render adds to them, and of
/// their locals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodNames {
    /// The operation's method.
    pub method: RustName,
    /// The struct holding the operation's query and header parameters.
    pub params_type: RustName,
    /// The argument holding the optional parameters (of `params_type`).
    pub params: RustName,
    /// The argument holding the request body.
    pub body: RustName,
    /// For an operation whose success body is raw bytes: the method that returns the body
    /// as a stream of chunks rather than whole in memory.
    pub streaming: Option<RustName>,
    /// For an operation whose success response can be a stream of events (or JSON lines):
    /// the method that reads it event by event.
    pub events: Option<RustName>,
    /// For an operation with a multipart upload beside its body: the method that sends it.
    pub upload: Option<RustName>,
    /// The locals of the methods, clear of every argument.
    pub locals: MethodLocals,
}

/// Names of the locals of an operation's method. They share a namespace with the
/// method's arguments, so the naming pass picks them after the arguments: a parameter
/// called `request` or `path` keeps its name, and the local takes another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodLocals {
    pub request: RustName,
    pub response: RustName,
    pub path: RustName,
    pub query: RustName,
    pub cookies: RustName,
    /// The value of an optional parameter, inside `if let Some(..)`.
    pub value: RustName,
    /// The URL of a page the server named, in the method that follows it.
    pub page_url: RustName,
}

/// The names of a paging operation's stream methods and their locals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagingNames {
    /// The stream of every item.
    pub items: RustName,
    /// The stream of every page.
    pub pages: RustName,
    pub locals: StreamLocals,
}

/// Names of the locals of a paging stream method, clear of its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamLocals {
    pub token: RustName,
    pub page: RustName,
    /// The page's response, headers and all.
    pub response: RustName,
    /// The number of items on the page.
    pub count: RustName,
    /// The parameter of the closures that read a page.
    pub value: RustName,
    pub next: RustName,
}

//! Rules the spec states that garde has no rule for: unique items and exclusive numeric
//! bounds. Types call them from `#[garde(custom(...))]`, so they serve types-only crates too.

/// A list, possibly inside `Option`s, whose items can be compared.
#[doc(hidden)]
pub trait ItemList {
    type Item: PartialEq;
    fn item_slice(&self) -> Option<&[Self::Item]>;
}

impl<T: PartialEq> ItemList for Vec<T> {
    type Item = T;
    fn item_slice(&self) -> Option<&[T]> {
        Some(self)
    }
}

impl<L: ItemList> ItemList for Option<L> {
    type Item = L::Item;
    fn item_slice(&self) -> Option<&[L::Item]> {
        self.as_ref().and_then(ItemList::item_slice)
    }
}

/// The `uniqueItems` rule, for garde's `custom`: no two items of the list are equal.
#[doc(hidden)]
pub fn unique_items<L: ItemList>(value: &L, _context: &()) -> garde::Result {
    let items = value.item_slice().unwrap_or_default();
    for (i, item) in items.iter().enumerate() {
        if let Some(j) = items[..i].iter().position(|earlier| earlier == item) {
            return Err(garde::Error::new(format!(
                "items {j} and {i} are equal, but items must be unique"
            )));
        }
    }
    Ok(())
}

/// A number, possibly inside `Option`s, for the exclusive bound rules.
#[doc(hidden)]
pub trait NumberValue {
    fn number(&self) -> Option<f64>;
}

impl NumberValue for f64 {
    fn number(&self) -> Option<f64> {
        Some(*self)
    }
}

impl<N: NumberValue> NumberValue for Option<N> {
    fn number(&self) -> Option<f64> {
        self.as_ref().and_then(NumberValue::number)
    }
}

/// `exclusiveMinimum`, for garde's `custom`: the value must be greater than `bound`.
#[doc(hidden)]
pub fn exclusive_minimum<N: NumberValue>(bound: f64) -> impl FnOnce(&N, &()) -> garde::Result {
    move |value, _| match value.number() {
        Some(v) if v <= bound => Err(garde::Error::new(format!(
            "{v} is not greater than {bound}"
        ))),
        _ => Ok(()),
    }
}

/// `exclusiveMaximum`, for garde's `custom`: the value must be less than `bound`.
#[doc(hidden)]
pub fn exclusive_maximum<N: NumberValue>(bound: f64) -> impl FnOnce(&N, &()) -> garde::Result {
    move |value, _| match value.number() {
        Some(v) if v >= bound => Err(garde::Error::new(format!("{v} is not less than {bound}"))),
        _ => Ok(()),
    }
}

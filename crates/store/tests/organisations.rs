//! Organisations kept one at a time, on both backends: versions for edit forms, names and keys
//! that must be new, and imports that move an organisation's version only when they change it.

use std::path::Path;

use uppfolj_exchange::definitions;
use uppfolj_model::{Definitions, Key, Organisation, OrganisationKind};
use uppfolj_store::{OrganisationEdit, OrganisationError, Store};

on_both_backends!(
    an_edit_applies_only_at_the_version_it_was_read,
    names_and_keys_must_be_new,
    an_import_moves_the_version_only_when_it_changes_the_organisation,
);

fn goteborg() -> Definitions {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg");
    definitions::parse(definitions::read_files(&[dir]).unwrap())
        .unwrap()
        .check(Definitions::default())
        .unwrap()
}

fn intraservice() -> Key {
    Key::parse("intraservice").unwrap()
}

fn edit(name: &str) -> OrganisationEdit {
    OrganisationEdit {
        name: name.to_owned(),
        short_name: None,
        kind: OrganisationKind::Namnd,
    }
}

async fn an_edit_applies_only_at_the_version_it_was_read(store: &Store) {
    store.apply_definitions(&goteborg()).await.unwrap();
    let read = store.organisation(&intraservice()).await.unwrap().unwrap();
    let next = store
        .update_organisation(&intraservice(), &edit("Intraservicenämnden"), read.version)
        .await
        .unwrap();
    assert_eq!(next, read.version + 1);
    let stale = store
        .update_organisation(&intraservice(), &edit("Något annat"), read.version)
        .await;
    match stale {
        Err(OrganisationError::Changed(current)) => {
            assert_eq!(current.organisation.name, "Intraservicenämnden");
            assert_eq!(current.version, next);
        }
        other => panic!("a conflict expected: {other:?}"),
    }
    let cached = store.definitions().await.unwrap();
    let shown = cached
        .organisations
        .iter()
        .find(|o| o.key == intraservice())
        .unwrap();
    assert_eq!(shown.name, "Intraservicenämnden", "the cache reloaded");
    store
        .set_organisation_active(&intraservice(), false)
        .await
        .unwrap();
    let now = store.organisation(&intraservice()).await.unwrap().unwrap();
    assert!(!now.organisation.active);
    assert_eq!(now.version, next + 1, "deactivating is a change too");
}

async fn names_and_keys_must_be_new(store: &Store) {
    store.apply_definitions(&goteborg()).await.unwrap();
    let new = |key: &str, name: &str| Organisation {
        key: Key::parse(key).unwrap(),
        name: name.to_owned(),
        short_name: None,
        kind: OrganisationKind::Bolag,
        active: true,
    };
    assert!(matches!(
        store
            .create_organisation(&new("intraservice", "Nytt bolag"))
            .await,
        Err(OrganisationError::KeyTaken(_))
    ));
    assert!(matches!(
        store
            .create_organisation(&new("nytt-bolag", "ARKIVNÄMNDEN"))
            .await,
        Err(OrganisationError::NameTaken(_))
    ));
    assert!(matches!(
        store
            .update_organisation(&intraservice(), &edit("Arkivnämnden"), 1)
            .await,
        Err(OrganisationError::NameTaken(_))
    ));
    store
        .create_organisation(&new("nytt-bolag", "Nytt bolag"))
        .await
        .unwrap();
    let organisations = store.organisations().await.unwrap();
    assert_eq!(organisations.len(), 42);
    assert_eq!(organisations.last().unwrap().key.as_str(), "nytt-bolag");
}

async fn an_import_moves_the_version_only_when_it_changes_the_organisation(store: &Store) {
    let mut set = goteborg();
    store.apply_definitions(&set).await.unwrap();
    let first = store.organisation(&intraservice()).await.unwrap().unwrap();
    store.apply_definitions(&set).await.unwrap();
    let same = store.organisation(&intraservice()).await.unwrap().unwrap();
    assert_eq!(same.version, first.version, "the same file changes nothing");
    let organisation = set
        .organisations
        .iter_mut()
        .find(|o| o.key == intraservice())
        .unwrap();
    organisation.short_name = None;
    store.apply_definitions(&set).await.unwrap();
    let changed = store.organisation(&intraservice()).await.unwrap().unwrap();
    assert_eq!(changed.version, first.version + 1);
    assert_eq!(changed.organisation.short_name, None);
}
